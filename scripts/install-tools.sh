#!/usr/bin/env bash
# install-tools.sh installs the engines prodready's tests run for real, at
# pinned versions, into .tools/bin (or $TOOLS_BIN). A tool already there at
# the pinned version is kept, so repeated runs cost nothing.
#
#   bash scripts/install-tools.sh         the engines: opa, conftest, gator, helm and kustomize
#                                         (against which render/ is compared), and the OCI
#                                         registry releases are pushed to in tests (make test)
#   bash scripts/install-tools.sh bench   the engines and the peers make bench compares
#                                         prodready with: kube-score
set -euo pipefail

# name  module@version
tools=(
	"opa       github.com/open-policy-agent/opa@v1.22.2"
	"conftest  github.com/open-policy-agent/conftest@v0.71.1"
	"gator     github.com/open-policy-agent/gatekeeper/v3/cmd/gator@v3.23.1"
	"helm      helm.sh/helm/v4/cmd/helm@v4.3.2"
	"kustomize sigs.k8s.io/kustomize/kustomize/v5@v5.8.2"
	"registry  github.com/distribution/distribution/v3/cmd/registry@v3.1.2"
)
case "${1:-}" in
"") ;;
bench)
	tools+=(
		"kube-score  github.com/zegl/kube-score/cmd/kube-score@v1.20.0"
	)
	;;
*)
	echo "usage: $0 [bench]" >&2
	exit 2
	;;
esac

cd "$(dirname "$0")/.."
bin="${TOOLS_BIN:-$PWD/.tools/bin}"
mkdir -p "$bin"

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
