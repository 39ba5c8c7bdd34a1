#!/usr/bin/env bash
# Runs both entry points of a built image as the manifests run them, against the real-cluster
# harness (run it inside scripts/cluster.sh, which exports KUBECONFIG): uid/gid 65532, no
# supplementary groups, an empty capability bounding set, no_new_privs, a read-only root filesystem
# with a 16 MiB tmpfs on /tmp, and the ServiceAccount token of the install's own RBAC mounted where
# in-cluster clients look for it. Checks the image holds no dev dependencies, tests or source maps,
# that each process really runs that way, and that each answers /readyz.
# `podman run` cannot be used here (crun's setrlimit is not permitted in this machine's container),
# so each "pod" is the image's root filesystem (`buildah mount`) in its own mount namespace, entered
# with capsh.
# usage: scripts/cluster.sh run -- bash scripts/image-run.sh IMAGE
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
image=${1:?usage: image-run.sh IMAGE}
storage=(--storage-driver vfs)
: "${KUBECONFIG:?run inside scripts/cluster.sh}"
ns=headwind
work=$(mktemp -d)
containers=()
pids=()

cleanup() {
  local pid ctr
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  for ctr in "${containers[@]}"; do buildah "${storage[@]}" rm "$ctr" >/dev/null 2>&1 || true; done
  rm -rf "$work"
}
trap cleanup EXIT

fail() {
  echo "image-run: $*" >&2
  exit 1
}

inspect() { buildah "${storage[@]}" inspect --type image --format "$1" "$image"; }
user=$(inspect '{{.OCIv1.Config.User}}')
workdir=$(inspect '{{.OCIv1.Config.WorkingDir}}')
read -r -a entrypoint <<<"$(inspect '{{range .OCIv1.Config.Entrypoint}}{{.}} {{end}}')"
mapfile -t image_env < <(inspect '{{range .OCIv1.Config.Env}}{{.}}{{"\n"}}{{end}}' | sed '/^$/d')
[ "$user" = 65532:65532 ] || fail "the image runs as '$user', not 65532:65532"

# What the image must not hold: dev dependencies, tests, TypeScript sources, source maps.
ctr=$(buildah "${storage[@]}" from --quiet "$image")
containers+=("$ctr")
fs=$(buildah "${storage[@]}" mount "$ctr")
for dev in $(node -p 'Object.keys(require(process.argv[1]).devDependencies).join(" ")' "$root/package.json"); do
  [ ! -e "$fs$workdir/node_modules/$dev" ] || fail "dev dependency $dev is in the image"
done
for path in src tests bench tsconfig.json; do [ ! -e "$fs$workdir/$path" ] || fail "$path is in the image"; done
found=$(find "$fs$workdir" \( -name '*.map' -o -name '*.ts' -o -name '*.test.*' -o -name test -o -name tests \) -print |
  head -n 3)
[ -z "$found" ] || fail "source maps, TypeScript or tests in the image: ${found//$fs/}"
echo "image-run: no dev dependencies, tests, sources or source maps in $workdir"

# The install's objects and ServiceAccounts (Metacontroller's CRDs first: the install needs them).
kubectl apply --server-side -f "$root/tests/fixtures/crds/metacontroller-crds-v1.yaml" >/dev/null
kubectl wait --for condition=Established crd/decoratorcontrollers.metacontroller.k8s.io >/dev/null
kubectl apply --server-side -k "$root/manifests" >/dev/null
server=$(kubectl config view --minify --raw -o jsonpath='{.clusters[0].cluster.server}')
host=${server#https://}
port=${host##*:}
host=${host%:*}

free_port() { node -e 'const s = require("net").createServer().listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); })'; }

# start NAME SERVICEACCOUNT ENTRYPOINT-ARGUMENT PORT-VARIABLES…: one "pod" of the image, in the background.
start() {
  local name=$1 account=$2 main=$3 sa ctr fs
  shift 3
  sa="$work/$name-sa"
  mkdir -p "$sa"
  kubectl create token "$account" -n "$ns" --duration=10m >"$sa/token"
  kubectl config view --minify --raw -o jsonpath='{.clusters[0].cluster.certificate-authority-data}' | base64 -d >"$sa/ca.crt"
  echo "$ns" >"$sa/namespace"
  ctr=$(buildah "${storage[@]}" from --quiet "$image")
  containers+=("$ctr")
  fs=$(buildah "${storage[@]}" mount "$ctr")
  # capsh enters the root at /, so the entry point is named by its full path: the one the image's
  # WORKDIR and a relative argument (as the manifests give it) lead to.
  [ -f "$fs$workdir/$main" ] || fail "$workdir/$main is not in the image"
  # Mount points, made in the container's own layer before it turns read-only (as a runtime does).
  mkdir -p "$fs/var/run/secrets/kubernetes.io/serviceaccount" "$fs/proc" "$fs/tmp" "$fs/dev"
  for dev in null zero random urandom; do touch "$fs/dev/$dev"; done
  # The mounts live and die with the new mount namespace; the last exec becomes the image's process.
  # shellcheck disable=SC2016 # expanded by the inner shell, from its arguments
  env -i "${image_env[@]}" HEADWIND_NAMESPACE="$ns" POD_NAME="$name-0" HOSTNAME="$name-0" \
    KUBERNETES_SERVICE_HOST="$host" KUBERNETES_SERVICE_PORT="$port" "$@" \
    unshare --mount --propagation private /bin/bash -euc '
      capsh=$1 fs=$2 sa=$3 entry=$4
      shift 4
      mount --bind "$fs" "$fs"
      mount -t proc -o nosuid,nodev,noexec proc "$fs/proc"
      mount -t tmpfs -o size=16m,mode=1777,nosuid,nodev tmpfs "$fs/tmp"
      for dev in null zero random urandom; do mount --bind "/dev/$dev" "$fs/dev/$dev"; done
      mount --bind -o ro "$sa" "$fs/var/run/secrets/kubernetes.io/serviceaccount"
      mount -o remount,bind,ro "$fs"
      # One process does it all in this order: empty the bounding set (its own effective
      # capabilities stay until the uid changes), chroot, drop groups, gid and uid (which clears
      # every remaining capability), set no_new_privs, exec the entry point inside the root.
      exec "$capsh" --drop=all --chroot="$fs" --groups= --gid=65532 --uid=65532 --no-new-privs \
        --shell="$entry" -- "$@"
    ' run "$(command -v capsh)" "$fs" "$sa" "${entrypoint[0]}" "${entrypoint[@]:1}" "$workdir/$main" >"$work/$name.log" 2>&1 &
  pids+=("$!")
}

# check NAME PID READYZ-PORT: the process's credentials and root, then /readyz within 60 s.
check() {
  local name=$1 pid=$2 port=$3 i status
  for ((i = 0; i < 300; i++)); do
    kill -0 "$pid" 2>/dev/null || {
      cat "$work/$name.log" >&2
      fail "$name exited"
    }
    status=$(curl -s -o "$work/$name.readyz" -w '%{http_code}' "http://127.0.0.1:$port/readyz" || true)
    [ "$status" = 200 ] && break
    sleep 0.2
  done
  [ "$status" = 200 ] || {
    tail -n 20 "$work/$name.log" >&2
    fail "$name: /readyz answered ${status:-nothing} for 60 s"
  }
  local proc=/proc/$pid/status
  grep -q '^Uid:[[:space:]]*65532[[:space:]]65532[[:space:]]65532[[:space:]]65532$' "$proc" || fail "$name: not uid 65532"
  grep -q '^Gid:[[:space:]]*65532[[:space:]]65532[[:space:]]65532[[:space:]]65532$' "$proc" || fail "$name: not gid 65532"
  grep -q '^Groups:[[:space:]]*$' "$proc" || fail "$name: has supplementary groups"
  for cap in CapInh CapPrm CapEff CapBnd CapAmb; do
    grep -q "^$cap:[[:space:]]*0000000000000000$" "$proc" || fail "$name: $cap is not empty"
  done
  grep -q '^NoNewPrivs:[[:space:]]*1$' "$proc" || fail "$name: no_new_privs is not set"
  # The root mount, as the process sees it: field 5 is the mount point, field 6 its options.
  awk '$5 == "/" { print $6 }' "/proc/$pid/mountinfo" | grep -qE '(^|,)ro(,|$)' || fail "$name: root is writable"
  echo "image-run: $name (pid $pid) uid/gid 65532, no capabilities, no_new_privs, read-only root; /readyz: $(head -c 200 "$work/$name.readyz")"
}

hooks_port=$(free_port)
sidecar_port=$(free_port)
# The hook credential, as the kubelet passes it from the Secret headwind-hook-credentials.
start hooks headwind-hooks dist/hooks-server/main.js HEADWIND_HOOK_TOKEN="$(openssl rand -hex 32)" \
  PORT="$hooks_port" API_PORT="$(free_port)" METRICS_PORT="$(free_port)" DASHBOARD_PORT="$(free_port)"
start sidecar headwind-sidecar dist/sidecar/main.js PORT="$sidecar_port" METRICS_PORT="$(free_port)"
check hooks "${pids[0]}" "$hooks_port"
check sidecar "${pids[1]}" "$sidecar_port"
