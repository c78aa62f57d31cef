# METADATA
# title: Kubernetes resource quantities
# description: >-
#   parse(q) turns a quantity ("512Mi", "1.5Gi", "500m", "2", "1e3", 1024)
#   into a number, in base units (bytes, cores), as the API server's
#   resource.ParseQuantity reads it. Undefined when q is not a quantity, so
#   a malformed value never fires a rule by accident. Undefined too, though
#   Kubernetes takes them, beyond bounds no resource comes near: a number
#   of more than 100 characters, an exponent of more than 3 digits, or a
#   number (with its exponent) beyond float64's range, ~1.8e308. OPA's
#   exact arithmetic takes most of a second on a number like 1e-30000:
#   the bounds keep a hostile manifest from making every rule do that.
package lib.prodready.quantity

decimal := {
	"": 1,
	"k": 1000,
	"M": 1000000,
	"G": 1000000000,
	"T": 1000000000000,
	"P": 1000000000000000,
	"E": 1000000000000000000,
}

binary := {
	"Ki": 1024,
	"Mi": 1048576,
	"Gi": 1073741824,
	"Ti": 1099511627776,
	"Pi": 1125899906842624,
	"Ei": 1152921504606846976,
}

pattern := `^([+-]?)([0-9]*(?:\.[0-9]*)?)([eE][+-]?0*[0-9]{1,3}|[KMGTPE]i|[numkMGTPE])?$`

parse(q) := q if is_number(q)

parse(q) := value if {
	is_string(q)
	s := trim_space(q)
	s != ""
	[[_, sign, digits, suffix]] := regex.find_all_string_submatch_n(pattern, s, 1)
	count(digits) <= 100
	readable(digits, suffix)

	# A leading 0 makes "+", "." and "-.5" numbers to_number reads.
	value := scaled(concat("", [sign, "0", digits]), suffix)
}

readable(digits, _) if regex.match(`[0-9]`, digits)

# Kubernetes reads a number without digits ("+", ".") as zero, so "Mi" is
# a quantity, 0, but not where its parser leaves its int64 shortcut: with
# Pi, Ei or an exponent below -9.
readable(digits, suffix) if {
	not regex.match(`[0-9]`, digits)
	not suffix in {"Pi", "Ei"}
	not below_nano(suffix)
}

below_nano(suffix) if {
	regex.match(`^[eE][+-]?[0-9]+$`, suffix)
	to_number(substring(suffix, 1, -1)) < -9
}

scaled(number, suffix) := to_number(number) * decimal[suffix]

# Kubernetes caps a binary quantity at the int64 range.
max_binary := 9223372036854775807

scaled(number, suffix) := max([min([to_number(number) * binary[suffix], max_binary]), 0 - max_binary])

# Fractions divide, so 500m is exactly 0.5.
divisors := {"m": 1000, "u": 1000000, "n": 1000000000}

scaled(number, suffix) := to_number(number) / divisors[suffix]

# The decimal exponent form (1e3, 5E-1) is a number as it stands; times 1,
# as to_number keeps the text ("+01e2"), not a number JSON can carry.
scaled(number, suffix) := to_number(concat("", [number, suffix])) * 1 if {
	regex.match(`^[eE][+-]?[0-9]+$`, suffix)
}
