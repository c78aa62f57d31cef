# METADATA
# title: Words in messages
# description: >-
#   How messages name several things at once: "a, b and c".
package lib.prodready.text

# and_list(xs) joins the strings of array xs: "a", "a and b", "a, b and c";
# undefined for none.
and_list(xs) := xs[0] if count(xs) == 1

else := concat(" and ", [concat(", ", array.slice(xs, 0, count(xs) - 1)), xs[count(xs) - 1]])

# quoted(names) are the names of a set or array, sorted and quoted:
# "a" and "b", or "a", "b" and "c".
quoted(names) := and_list([sprintf("%q", [n]) | some n in sort(names)])
