#!/usr/bin/env bash
# build-release.sh OS ARCH OUT [VERSION] builds the CLI as a release ships
# it: without cgo, paths (-trimpath), VCS stamping or a build ID, so the same
# source and Go give the same bytes wherever it is checked out. make
# release-binaries runs it for every platform; the end-to-end tests run the
# binary it builds for theirs, and build it again elsewhere to hold it to that.
set -euo pipefail
os=$1 arch=$2 out=$3 version=${4:-}
ldflags="-s -w -buildid="
if [ -n "$version" ]; then ldflags+=" -X github.com/prodready/prodready/pkg/version.Version=$version"; fi
cd "$(dirname "$0")/../cmd/prodready"
CGO_ENABLED=0 GOOS=$os GOARCH=$arch exec "${GO:-go}" build -trimpath -buildvcs=false -ldflags "$ldflags" -o "$out" .
