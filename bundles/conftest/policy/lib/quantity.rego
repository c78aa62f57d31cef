# METADATA
# title: Kubernetes resource quantities
# description: |
#   parse(q) turns a quantity ("512Mi", "1.5Gi", "500m", "2", "1e3", 1024)
#   into a number, in base units (bytes, cores). Undefined when q is not a
#   quantity, so a malformed value never fires a rule by accident.
package lib.prodready.quantity

multipliers := {
	"": 1,
	"k": 1000,
	"M": 1000000,
	"G": 1000000000,
	"T": 1000000000000,
	"P": 1000000000000000,
	"E": 1000000000000000000,
	"Ki": 1024,
	"Mi": 1048576,
	"Gi": 1073741824,
	"Ti": 1099511627776,
	"Pi": 1125899906842624,
	"Ei": 1152921504606846976,
}

pattern := `^([+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+))([eE][+-]?[0-9]+|[KMGTPE]i|[numkMGTPE])?$`

parse(q) := q if is_number(q)

parse(q) := value if {
	is_string(q)
	[[_, number, suffix]] := regex.find_all_string_submatch_n(pattern, trim_space(q), 1)
	value := scaled(number, suffix)
}

scaled(number, suffix) := to_number(number) * multipliers[suffix]

# Fractions divide, so 500m is exactly 0.5.
divisors := {"m": 1000, "u": 1000000, "n": 1000000000}

scaled(number, suffix) := to_number(number) / divisors[suffix]

# The decimal exponent form (1e3, 5E-1) is a number as it stands.
scaled(number, suffix) := to_number(concat("", [number, suffix])) if {
	regex.match(`^[eE][+-]?[0-9]+$`, suffix)
}
