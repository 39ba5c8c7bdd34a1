#!/usr/bin/env bash
# Builds (or reuses) a Go command-line tool the tests need, from the Go module proxy through its
# wrapper module under tools/NAME (whose go.mod pins the version), into a cache outside the work
# tree, and prints the binary's path. Idempotent and safe to run concurrently; the cold path takes
# a minute or two per tool (figures in CONTRIBUTING.md).
# usage: scripts/go-tools.sh helm|promtool
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
name=${1:-}
tags=""
case "$name" in
helm)
  module=helm.sh/helm/v4
  pkg=$module/cmd/helm
  ;;
promtool)
  module=github.com/prometheus/prometheus
  pkg=$module/cmd/promtool
  # Rule checks and rule unit tests need no service discovery; dropping the cloud SDKs halves the build.
  tags="netgo remove_all_sd"
  ;;
*)
  echo "usage: $0 helm|promtool" >&2
  exit 2
  ;;
esac

dir="$root/tools/$name"
version=$(awk -v m="$module" '$1 == m { print $2 }' "$dir/go.mod")
[ -n "$version" ] || {
  echo "go-tools: $module is not required in $dir/go.mod" >&2
  exit 1
}
case "$name" in
helm) ldflags="-X $module/internal/version.version=$version -X $module/internal/version.gitTreeState=clean" ;;
# Prometheus' Go module v0.3XX.Y is release 3.XX.Y.
promtool) ldflags="-X github.com/prometheus/common/version.Version=3.${version#v0.3}" ;;
esac

cache="${XDG_CACHE_HOME:-$HOME/.cache}/headwind/go-tools/$name-$version-$(go env GOVERSION)"
bin="$cache/$name"
mkdir -p "$cache"
# One builder at a time; whoever waited finds the binary already there.
exec 9>"$cache.lock"
flock 9
if [ ! -x "$bin" ]; then
  start=$(date +%s)
  (cd "$dir" && CGO_ENABLED=0 go build -trimpath -tags "$tags" -ldflags "-s -w $ldflags" -o "$bin.tmp" "$pkg") >&2
  mv "$bin.tmp" "$bin"
  echo "go-tools: built $name $version in $(($(date +%s) - start))s" >&2
fi
echo "$bin"
