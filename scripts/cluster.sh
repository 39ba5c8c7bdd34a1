#!/usr/bin/env bash
# Real-cluster test harness: `scripts/cluster.sh run -- <command…>` starts etcd and kube-apiserver
# (built from the Go module proxy by scripts/kube-bins.sh) on free loopback ports, runs the command
# with KUBECONFIG pointing at them, and always stops them again by PID. Exits with the command's status.
#
# Also for the command: the Metacontroller binary (scripts/metacontroller-bin.sh) and a kubeconfig of
# its own identity, an audit log of every write the apiserver accepted or refused (who, verb, object),
# and a way to restart the apiserver on the same etcd data (kill the PID in HEADWIND_APISERVER_PIDFILE
# after creating HEADWIND_APISERVER_RESTART; the loop below starts it again).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)

if [ "${1:-}" != run ] || [ "${2:-}" != -- ] || [ $# -lt 3 ]; then
  echo "usage: $0 run -- <command…>" >&2
  exit 2
fi
shift 2

# shellcheck source=../tools/versions.env
. "$root/tools/versions.env"
t0=$(date +%s)
bins=$("$root/scripts/kube-bins.sh")
metacontroller=$("$root/scripts/metacontroller-bin.sh")
t1=$(date +%s)

# etcd on tmpfs: fsync-free storage keeps apiserver writes fast on a 2-core CI machine.
base=${TMPDIR:-/tmp}
[ -d /dev/shm ] && [ -w /dev/shm ] && base=/dev/shm
run=$(mktemp -d "$base/headwind-cluster.XXXXXX")
pids=()

stop_pid() {
  local pid=$1 i
  kill -TERM "$pid" 2>/dev/null || return 0
  for ((i = 0; i < 100; i++)); do
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.1
  done
  echo "cluster: pid $pid ignored SIGTERM for 10s, sending SIGKILL" >&2
  kill -KILL "$pid" 2>/dev/null || true
}

teardown() {
  local rc=$? i log
  trap - EXIT INT TERM
  # Reverse start order: the command first, then the apiserver (its restart loop, then the server
  # itself), etcd last.
  for ((i = ${#pids[@]} - 1; i >= 0; i--)); do
    stop_pid "${pids[i]}"
    if [ "${pids[i]}" = "${apiserver_loop:-}" ] && [ -f "$run/apiserver.pid" ]; then
      stop_pid "$(cat "$run/apiserver.pid")"
    fi
  done
  wait 2>/dev/null || true
  if [ "$rc" -ne 0 ]; then
    for log in "$run"/*.log; do
      # The audit log is data for the tests, not a diagnosis.
      [ -f "$log" ] && [ "$log" != "$run/audit.log" ] || continue
      echo "----- cluster: last 100 lines of $(basename "$log") -----" >&2
      tail -n 100 "$log" >&2
    done
  fi
  rm -rf "$run"
  exit "$rc"
}
trap teardown EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Binding port 0 lets the kernel choose; the tiny window before the servers bind is accepted.
read -r etcd_port peer_port api_port < <(node -e '
  const net = require("node:net");
  const ports = [];
  const next = () => {
    const s = net.createServer().listen(0, "127.0.0.1", () => {
      ports.push(s.address().port);
      if (ports.length < 3) next();
      else {
        console.log(ports.join(" "));
        process.exit(0);
      }
    });
  };
  next();
')

openssl genrsa -out "$run/sa.key" 2048 2>/dev/null
token=$(openssl rand -hex 32)
mc_token=$(openssl rand -hex 32)
# Metacontroller gets its own name (same cluster-wide rights as upstream's ClusterRole `*/*/*`) so
# the audit log tells its writes from the tests' and Headwind's.
{
  echo "$token,headwind-admin,headwind-admin,system:masters"
  echo "$mc_token,metacontroller,metacontroller,system:masters"
} >"$run/tokens.csv"
# Writes only (reads would dwarf them): enough to count what each component changes per workload.
cat >"$run/audit-policy.yaml" <<EOF
apiVersion: audit.k8s.io/v1
kind: Policy
omitStages: [RequestReceived]
rules:
  - level: Metadata
    verbs: [create, update, patch, delete, deletecollection]
  - level: None
EOF

start() {
  local name=$1
  shift
  "$@" >"$run/$name.log" 2>&1 &
  pids+=("$!")
}

# Fails fast with the logs when a server died instead of waiting out the timeout.
wait_for() {
  local what=$1 timeout=$2 i pid
  shift 2
  for ((i = 0; i < timeout * 5; i++)); do
    "$@" && return 0
    for pid in "${pids[@]}"; do
      kill -0 "$pid" 2>/dev/null || {
        echo "cluster: pid $pid exited while waiting for $what" >&2
        return 1
      }
    done
    sleep 0.2
  done
  echo "cluster: $what not ready after ${timeout}s" >&2
  return 1
}

start etcd "$bins/etcd" --name=headwind --data-dir="$run/etcd" \
  --listen-client-urls="http://127.0.0.1:$etcd_port" --advertise-client-urls="http://127.0.0.1:$etcd_port" \
  --listen-peer-urls="http://127.0.0.1:$peer_port" --initial-advertise-peer-urls="http://127.0.0.1:$peer_port" \
  --initial-cluster="headwind=http://127.0.0.1:$peer_port" --unsafe-no-fsync=true --log-level=warn
echo "${pids[-1]}" >"$run/etcd.pid"
etcd_ok() { curl -fsS "http://127.0.0.1:$etcd_port/health" 2>/dev/null | grep -q '"health":"true"'; }
wait_for etcd 30 etcd_ok

# ServiceAccount admission is off because no controller-manager creates `default` ServiceAccounts,
# which would make every Pod create fail.
api_args=(
  --etcd-servers="http://127.0.0.1:$etcd_port"
  --bind-address=127.0.0.1 --secure-port="$api_port"
  --advertise-address=127.0.0.1 --endpoint-reconciler-type=none
  --cert-dir="$run/pki" --service-cluster-ip-range=10.0.0.0/24
  --service-account-issuer="https://127.0.0.1:$api_port"
  --service-account-key-file="$run/sa.key" --service-account-signing-key-file="$run/sa.key"
  --token-auth-file="$run/tokens.csv" --authorization-mode=RBAC
  --disable-admission-plugins=ServiceAccount
  --audit-policy-file="$run/audit-policy.yaml" --audit-log-path="$run/audit.log" --audit-log-format=json
  --audit-log-maxsize=0
)
# A restart is asked for by creating the marker first; any other exit ends the loop, so a crash
# still fails the run instead of being hidden by a restart.
apiserver_supervised() {
  while :; do
    "$bins/kube-apiserver" "${api_args[@]}" >>"$run/apiserver.log" 2>&1 &
    echo "$!" >"$run/apiserver.pid"
    { wait "$!"; } 2>/dev/null || true
    [ -f "$run/apiserver.restart" ] || return 1
    rm -f "$run/apiserver.restart"
    echo "cluster: restarting kube-apiserver on the same etcd data" >>"$run/apiserver.log"
  done
}
apiserver_supervised &
apiserver_loop=$!
pids+=("$apiserver_loop")
url="https://127.0.0.1:$api_port"
ca="$run/pki/apiserver.crt"
api_ok() {
  [ -f "$ca" ] && curl -fsS --cacert "$ca" "$url/readyz" >/dev/null 2>&1 &&
    curl -fsS --cacert "$ca" -H "Authorization: Bearer $token" "$url/api/v1/namespaces/default" >/dev/null 2>&1
}
wait_for kube-apiserver 90 api_ok

cat >"$run/kubeconfig" <<EOF
apiVersion: v1
kind: Config
clusters:
  - name: headwind
    cluster:
      server: $url
      certificate-authority-data: $(base64 -w0 "$ca")
users:
  - name: headwind-admin
    user:
      token: $token
contexts:
  - name: headwind
    context: {cluster: headwind, user: headwind-admin}
current-context: headwind
EOF
sed -e "s/$token/$mc_token/" -e 's/headwind-admin/metacontroller/g' "$run/kubeconfig" >"$run/metacontroller.kubeconfig"
chmod 600 "$run/kubeconfig" "$run/metacontroller.kubeconfig"
t2=$(date +%s)
echo "cluster: build $((t1 - t0))s, start $((t2 - t1))s (kube-apiserver $KUBE_VERSION at $url)" >&2

export KUBECONFIG="$run/kubeconfig" HEADWIND_CLUSTER=1 HEADWIND_KUBE_VERSION="$KUBE_VERSION"
export HEADWIND_METACONTROLLER="$metacontroller" HEADWIND_METACONTROLLER_KUBECONFIG="$run/metacontroller.kubeconfig"
export HEADWIND_AUDIT_LOG="$run/audit.log"
export HEADWIND_APISERVER_PIDFILE="$run/apiserver.pid" HEADWIND_APISERVER_RESTART="$run/apiserver.restart"
export HEADWIND_ETCD_PIDFILE="$run/etcd.pid"
# In the background so a TERM/INT reaches our trap at once instead of after the command ends.
"$@" &
pids+=("$!")
rc=0
wait "${pids[-1]}" || rc=$?
# Already reaped: drop it so teardown never signals a recycled PID.
unset 'pids[-1]'
exit "$rc"
