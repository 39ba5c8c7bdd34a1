#!/usr/bin/env bash
# `npm run image`: builds the container image with buildah from base images assembled here from
# Debian's packages (scripts/image-bases.sh), reports its size, then runs both entry points from it
# under the manifests' securityContext against the real-cluster harness and checks that each answers
# /readyz (scripts/image-run.sh). Needs root; installs buildah, debootstrap and capsh if missing.
# usage: scripts/image.sh [IMAGE]   (default localhost/headwind:dev)
set -euo pipefail
cd "$(dirname "$0")/.."
image=${1:-localhost/headwind:dev}
storage=(--storage-driver vfs)

missing=()
for pair in buildah:buildah debootstrap:debootstrap capsh:libcap2-bin; do
  command -v "${pair%%:*}" >/dev/null || missing+=("${pair#*:}")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "image: installing ${missing[*]} from Debian" >&2
  apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >&2
fi

bases=$(bash scripts/image-bases.sh)
build_image=$(sed -n 's/.*BUILD_IMAGE=\([^ ]*\).*/\1/p' <<<"$bases")
runtime_image=$(sed -n 's/.*RUNTIME_IMAGE=\([^ ]*\).*/\1/p' <<<"$bases")

# A TLS-intercepting proxy's CA (as Node is told of it here) reaches npm as a build secret only.
secret=()
ca=${NODE_EXTRA_CA_CERTS:-}
[ -n "$ca" ] && [ -s "$ca" ] && secret=(--secret "id=extra-ca,src=$ca")

start=$(date +%s)
# chroot isolation: the OCI runtime cannot set up cgroups and rlimits inside this machine's container.
buildah "${storage[@]}" bud --isolation chroot --layers=false "${secret[@]}" \
  --build-arg "BUILD_IMAGE=$build_image" --build-arg "RUNTIME_IMAGE=$runtime_image" \
  --tag "$image" . >&2
echo "image: built $image in $(($(date +%s) - start))s" >&2

size() { buildah "${storage[@]}" images --format '{{.Size}}' "$1"; }
echo "image: $image is $(size "$image") ($(size "$runtime_image") of it the runtime base)"

bash scripts/cluster.sh run -- bash scripts/image-run.sh "$image"
