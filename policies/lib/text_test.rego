package lib.prodready.text_test

import data.lib.prodready.text

test_and_list if {
	text.and_list(["a"]) == "a"
	text.and_list(["a", "b"]) == "a and b"
	text.and_list(["a", "b", "c"]) == "a, b and c"
	not text.and_list([])
}

test_quoted if {
	text.quoted({"web", "api"}) == `"api" and "web"`
	text.quoted(["c", "a", "b"]) == `"a", "b" and "c"`
	text.quoted(["a"]) == `"a"`
}
