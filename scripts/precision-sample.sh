#!/usr/bin/env bash
# precision-sample.sh draws a random sample of the findings a default
# (baseline) check reports on testdata/realworld, for an engineer to judge
# (docs/precision.md). The same binary, corpus, size and seed draw the same
# sample: the findings are sorted, then shuffled by shuf with a random
# source made from the seed.
#
#   bash scripts/precision-sample.sh [N [SEED [PRODREADY]]]   (default 60 13 bin/prodready)
#
# Output: one finding a line, tab-separated: rule, Kind/namespace/name,
# container (- for none), file:line, message. Needs jq and shuf.
set -euo pipefail
cd "$(dirname "$0")/.."
n="${1:-60}"
seed="${2:-13}"
bin="${3:-bin/prodready}"
"$bin" check --no-config -o json testdata/realworld |
	jq -r '.findings[] | [.rule, "\(.object.kind)/\(.object.namespace)/\(.object.name)", (.container // "-"), "\(.file):\(.line)", .message] | @tsv' |
	LC_ALL=C sort |
	shuf -n "$n" --random-source=<(yes "$seed")
