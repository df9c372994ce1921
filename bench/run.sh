#!/usr/bin/env bash
# MUPDATE master benchmark, end to end: builds if needed, starts a node of its own (settings
# bench/target/bench.conf, node directory bench/target/node, ports 2xxxx), runs
# org.murder.bench.MupdateBench against it, writes bench/results/mupdate-<date>.md, stops the node.
#
#   bench/run.sh [clients=8] [ops=2000] [map=100000] [latency-ops=500] [spacing-ms=10] [runs=3] [minutes=15]
#                [populate-minutes=45]
#
# Environment: BENCH_SKIP_BUILD=1 never builds; BENCH_KEEP_NODE=1 leaves the node running afterwards;
# BENCH_NODE=DIR uses another node directory (default bench/target/node);
# BENCH_MUPDATE_PORT, BENCH_HTTP_PORT, BENCH_MANAGEMENT_PORT move the main ports (the other WildFly
# sockets are fixed below). The node keeps its map between runs, so a rerun skips the 100,000-mailbox
# population; `rm -rf bench/target/node` starts from an empty map.
set -euo pipefail

source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

MUPDATE_PORT=${BENCH_MUPDATE_PORT:-23905}
HTTP_PORT=${BENCH_HTTP_PORT:-28080}
MANAGEMENT_PORT=${BENCH_MANAGEMENT_PORT:-29990}
USER_NAME=bench
USER_PASSWORD=bench-pw

export MURDER_CONF="$TARGET/bench.conf"
export MURDER_HOME="${BENCH_NODE:-$TARGET/node}"
export MURDER_START_TIMEOUT=${MURDER_START_TIMEOUT:-300}

build_if_needed

# ---------------------------------------------------------------- settings of the bench node
mkdir -p "$TARGET" "$RESULTS"
cat >"$MURDER_CONF" <<EOF
# written by bench/run.sh; every socket of this node is moved off the defaults
servername: benchnode
admins: $USER_NAME
mupdate_port: $MUPDATE_PORT
mupdate_listen: 127.0.0.1
mupdate_connections_max: 200
http_port: $HTTP_PORT
https_port: 28443
management_port: $MANAGEMENT_PORT
management_https_port: 29993
txn_recovery_port: 24712
txn_status_port: 24713
iiop_port: 23528
iiop_ssl_port: 23529
EOF

node_running() { [[ -f "$MURDER_HOME/murder.pid" ]] && kill -0 "$(cat "$MURDER_HOME/murder.pid")" 2>/dev/null; }

if ! node_running; then
  for p in "$MUPDATE_PORT" "$HTTP_PORT" "$MANAGEMENT_PORT" 28443 29993 24712 24713 23528 23529; do
    port_open 127.0.0.1 "$p" && die "port $p on 127.0.0.1 is already in use"
  done
fi

stop_node() {
  local rc=$?
  if [[ "${BENCH_KEEP_NODE:-0}" == 1 ]]; then
    say "leaving the node running (stop it with MURDER_CONF=$MURDER_CONF MURDER_HOME=$MURDER_HOME ./murder stop)"
  else
    "$ROOT/murder" stop || true
  fi
  exit "$rc"
}
trap stop_node EXIT
trap 'exit 130' INT TERM

if ! grep -q -E "^$USER_NAME=" "$MURDER_HOME/configuration/murder-users.properties" 2>/dev/null; then
  "$ROOT/murder" adduser "$USER_NAME" "$USER_PASSWORD" >/dev/null
fi

LOG="$MURDER_HOME/log/server.log"
log_lines_before=0
[[ -f "$LOG" ]] && log_lines_before=$(wc -l <"$LOG")
# what is being measured: the EAR ./murder start deploys, and the state of the working tree
provenance="Server: $(ours_provenance)"
t0=$SECONDS
"$ROOT/murder" start
say "node up in $((SECONDS - t0)) s"

# ---------------------------------------------------------------- the benchmark
OUT="$RESULTS/mupdate-$(date +%Y-%m-%d).md"
[[ -e "$OUT" ]] && OUT="$RESULTS/mupdate-$(date +%Y-%m-%d-%H%M%S).md"
rc=0
java -Xms512m -Xmx2g -cp "$CP" org.murder.bench.MupdateBench \
  127.0.0.1 "$MUPDATE_PORT" "$HTTP_PORT" "$USER_NAME" "$USER_PASSWORD" "$OUT" "$@" || rc=$?

# ---------------------------------------------------------------- what the server logged meanwhile
if [[ -f "$LOG" ]]; then
  # server.log may have rotated at start; then count from its beginning
  (( $(wc -l <"$LOG") < log_lines_before )) && log_lines_before=0
  problems=$(tail -n +"$((log_lines_before + 1))" "$LOG" | grep -c -E ' (ERROR|SEVERE) ' || true)
  say "server.log: $problems ERROR/SEVERE lines during this run"
  if (( problems > 0 )); then
    tail -n +"$((log_lines_before + 1))" "$LOG" | grep -E ' (ERROR|SEVERE) ' | head -n 10
  fi
  if [[ -f "$OUT" ]]; then
    printf '\n%s.\nServer log during the run: %s ERROR/SEVERE lines.\n' "$provenance" "$problems" >>"$OUT"
  fi
fi
[[ -f "$OUT" ]] && say "results: $OUT"
exit "$rc"
