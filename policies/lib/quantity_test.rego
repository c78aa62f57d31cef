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
}
