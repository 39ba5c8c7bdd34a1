#!/usr/bin/env bash
# Builds (or reuses) Metacontroller from its Go source into the cache beside kube-apiserver and etcd,
# and prints the binary's path. The cache key is the source's content and the Go version, so a
# changed source is rebuilt and an unchanged one never is. Idempotent; the cold path takes minutes.
#
# Where the source comes from, first found wins:
#   1. $METACONTROLLER_SRC
#   2. ../shared/vendor/metacontroller beside this checkout, or beside the checkout it belongs to
#      (a git worktree) or was cloned from (a clone of a local path, as CI makes)
#   3. nothing: the script stops and says how to get it, a checkout of the upstream release:
#      git clone --branch v4.17.2 https://github.com/metacontroller/metacontroller
#      (its module path is `metacontroller`, so `go install` from the module proxy cannot fetch it;
#      its dependencies are ordinary modules from the proxy).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
version=v4.17.2

find_source() {
  local base origin
  if [ -n "${METACONTROLLER_SRC:-}" ]; then
    echo "$METACONTROLLER_SRC"
    return
  fi
  for base in "$root" \
    "$(dirname "$(git -C "$root" rev-parse --path-format=absolute --git-common-dir 2>/dev/null || echo /nonexistent/.git)")" \
    "$(origin=$(git -C "$root" remote get-url origin 2>/dev/null) && [ -d "$origin" ] && cd "$origin" && pwd)"; do
    if [ -n "$base" ] && [ -f "$base/../shared/vendor/metacontroller/go.mod" ]; then
      echo "$base/../shared/vendor/metacontroller"
      return
    fi
  done
  echo "$root/../shared/vendor/metacontroller"
}

src=$(find_source)
if [ ! -f "$src/go.mod" ] || [ ! -d "$src/pkg/cmd/metacontroller" ]; then
  cat >&2 <<EOF
metacontroller-bin: no Metacontroller source at $src
  Put the release $version source there, or point METACONTROLLER_SRC at a checkout of it:
    git clone --branch $version https://github.com/metacontroller/metacontroller "\$dir"
    METACONTROLLER_SRC="\$dir" $0
EOF
  exit 1
fi
src=$(cd "$src" && pwd)

# Content key: every file that goes into the build (go.mod, go.sum and the Go sources), path and bytes.
key=$(cd "$src" && find . -type f \( -name '*.go' -o -name go.mod -o -name go.sum \) -print0 |
  LC_ALL=C sort -z | xargs -0 sha256sum | sha256sum | cut -c1-16)
gover=$(go env GOVERSION)
cache="${XDG_CACHE_HOME:-$HOME/.cache}/headwind/mc/${key}-${gover}"
bin="$cache/metacontroller"

if [ -x "$bin" ]; then
  echo "$bin"
  exit 0
fi

mkdir -p "$cache"
start=$(date +%s)
export CGO_ENABLED=0
# The source may be read-only: nothing is written into it (-o goes to the cache, go.sum is complete).
(cd "$src" && go mod download && go build -trimpath -ldflags "-s -w -X main.version=$version" \
  -o "$bin.tmp.$$" ./pkg/cmd/metacontroller) >&2
mv "$bin.tmp.$$" "$bin"
echo "built Metacontroller $version from $src in $(($(date +%s) - start))s" >&2
echo "$bin"
