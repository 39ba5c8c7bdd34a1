#!/usr/bin/env bash
# The registry tier, the sidecar's cluster tests and the demo run Debian's CNCF distribution
# registry. Install it when missing (root can; others are told how).
set -euo pipefail
command -v docker-registry >/dev/null 2>&1 && exit 0
if [ "$(id -u)" -ne 0 ]; then
  echo "docker-registry is missing: sudo apt-get install -y docker-registry" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -q >&2
apt-get install -y -q docker-registry >&2
