#!/usr/bin/env bash
# Builds (or reuses) kube-apiserver and etcd from the Go module proxy into a cache outside the
# work tree, and prints the directory that holds them. Idempotent; the cold path takes minutes.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=../tools/versions.env
. "$root/tools/versions.env"
gover=$(go env GOVERSION)
cache="${XDG_CACHE_HOME:-$HOME/.cache}/headwind/kube/${KUBE_VERSION}-${ETCD_VERSION}-${gover}"
mkdir -p "$cache"

if [ -x "$cache/kube-apiserver" ] && [ -x "$cache/etcd" ] &&
  "$cache/kube-apiserver" --version 2>/dev/null | grep -q "$KUBE_VERSION"; then
  echo "$cache"
  exit 0
fi

minor=${KUBE_VERSION#v1.}
minor=${minor%%.*}
start=$(date +%s)
export CGO_ENABLED=0
(cd "$root/tools/kube-bins" && go mod download &&
  go build -trimpath -o "$cache/kube-apiserver.tmp" \
    -ldflags "-s -w -X k8s.io/component-base/version.gitVersion=$KUBE_VERSION -X k8s.io/component-base/version.gitMajor=1 -X k8s.io/component-base/version.gitMinor=$minor -X k8s.io/component-base/version.gitTreeState=clean" \
    k8s.io/kubernetes/cmd/kube-apiserver) >&2
(cd "$root/tools/etcd-bin" && go mod download &&
  go build -trimpath -ldflags "-s -w" -o "$cache/etcd.tmp" go.etcd.io/etcd/server/v3) >&2
mv "$cache/kube-apiserver.tmp" "$cache/kube-apiserver"
mv "$cache/etcd.tmp" "$cache/etcd"
echo "built kube-apiserver $KUBE_VERSION and etcd $ETCD_VERSION in $(($(date +%s) - start))s" >&2
echo "$cache"
