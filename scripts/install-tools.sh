#!/usr/bin/env bash
# install-tools.sh installs the engines prodready's tests run for real, at
# pinned versions, into .tools/bin (or $TOOLS_BIN). A tool already there at
# the pinned version is kept, so repeated runs cost nothing.
set -euo pipefail
cd "$(dirname "$0")/.."
bin="${TOOLS_BIN:-$PWD/.tools/bin}"
mkdir -p "$bin"

# name  module@version
tools=(
	"opa       github.com/open-policy-agent/opa@v1.22.2"
	"conftest  github.com/open-policy-agent/conftest@v0.71.1"
	"gator     github.com/open-policy-agent/gatekeeper/v3/cmd/gator@v3.23.1"
)

for entry in "${tools[@]}"; do
	read -r name pkg <<<"$entry"
	stamp="$bin/.$name.version"
	if [[ -x "$bin/$name" && "$(cat "$stamp" 2>/dev/null)" == "$pkg" ]]; then
		continue
	fi
	echo "installing $pkg" >&2
	GOBIN="$bin" go install "$pkg"
	echo "$pkg" >"$stamp"
done
