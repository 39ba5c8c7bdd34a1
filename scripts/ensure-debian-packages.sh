#!/usr/bin/env bash
# Debian packages the tests and the demo run for real: the CNCF distribution registry (registry
# tier, sidecar cluster tests, demo) and Chromium (the dashboard's browser test, driven by
# playwright-core, which downloads no browser). Installs the missing ones (root can; others are
# told how). With arguments, only those commands are ensured (the demo needs the registry only).
set -euo pipefail
declare -A package_of=([docker-registry]=docker-registry [chromium]=chromium)
wanted=("$@")
[ ${#wanted[@]} -eq 0 ] && wanted=(docker-registry chromium)
missing=()
for command in "${wanted[@]}"; do
  command -v "$command" >/dev/null 2>&1 || missing+=("${package_of[$command]}")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
  echo "missing: sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -q >&2
apt-get install -y -q "${missing[@]}" >&2
