package lib.prodready.quantity_test

import data.lib.prodready.quantity

test_binary_suffixes if {
	quantity.parse("1Ki") == 1024
	quantity.parse("512Mi") == 536870912
	quantity.parse("1.5Gi") == 1610612736
	quantity.parse("1Ti") == 1099511627776
	quantity.parse("1Pi") == 1125899906842624
	quantity.parse("1Ei") == 1152921504606846976
}

test_decimal_suffixes if {
	quantity.parse("1k") == 1000
	quantity.parse("128M") == 128000000
	quantity.parse("2G") == 2000000000
	quantity.parse("1T") == 1000000000000
	quantity.parse("1P") == 1000000000000000
	quantity.parse("1E") == 1000000000000000000
}

test_milli_and_plain if {
	quantity.parse("500m") == 0.5
	quantity.parse("250m") == 0.25
	quantity.parse("2") == 2
	quantity.parse("0.5") == 0.5
	quantity.parse(".5") == 0.5
	quantity.parse(3) == 3
	quantity.parse(1.5) == 1.5
}

test_exponent_forms if {
	quantity.parse("1e3") == 1000
	quantity.parse("1E3") == 1000
	quantity.parse("5e-1") == 0.5
	quantity.parse("12e6") == 12000000
}

test_m_is_milli_and_M_is_mega if {
	quantity.parse("1m") < quantity.parse("1M")
}

test_rejects_garbage if {
	not quantity.parse("")
	not quantity.parse("lots")
	not quantity.parse("1Gb")
	not quantity.parse("1 Gi")
	not quantity.parse("1ki")
	not quantity.parse(true)
	not quantity.parse(null)
	not quantity.parse("   ")
	not quantity.parse("1e")
	not quantity.parse("1e5Mi")
	not quantity.parse("1K")
	not quantity.parse("1.5.5")
}

# resource.ParseQuantity reads these, so the API server takes them.
test_numbers_without_digits_are_zero if {
	quantity.parse("Mi") == 0
	quantity.parse("+") == 0
	quantity.parse("-.") == 0
	quantity.parse(".e5") == 0
	quantity.parse("m") == 0
	quantity.parse("1.G") == 1000000000
	quantity.parse("Ti") == 0
	quantity.parse("e-9") == 0
	not quantity.parse("Pi")
	not quantity.parse("-.Ei")
	not quantity.parse("e-10")
	quantity.parse("0e-10") == 0
}

test_binary_quantities_are_capped_at_int64 if {
	quantity.parse("9Ei") == 9223372036854775807
	quantity.parse("-9Ei") == -9223372036854775807
	quantity.parse("8Ei") == 9223372036854775807
	quantity.parse("7Ei") == 8070450532247928832
}

test_signs_and_spaces if {
	quantity.parse("+.5") == 0.5
	quantity.parse("-1Ki") == -1024
	quantity.parse(" 1Gi\n") == 1073741824
	quantity.parse("1e+2") == 100
}

test_exponent_form_is_a_plain_number if {
	# Rego compares it by value; a JSON consumer needs a canonical number.
	json.marshal(quantity.parse("+1e2")) == "100"
}

test_bounds if {
	quantity.parse("1e-999") < 0.000000001
	quantity.parse("1e+000099") == quantity.parse("1e99")
	not quantity.parse("1e-1000")
	not quantity.parse("0e1000")
	quantity.parse(sprintf("0.%098d", [0])) == 0
	not quantity.parse(sprintf("0.%099d", [0]))
}
