#!/usr/bin/env bash
# Frontend benchmark, end to end, in one run: the same IMAP and LMTP operations (a) directly against a backend,
# (b) through our frontend, (c) directly against a Cyrus 3.6 backend and (d) through Cyrus's own frontend (imapd
# as proxyd, lmtpd as lmtpproxyd) in front of it; then, on our side, the time a CREATE on a backend takes to reach
# both frontends' copies and the frontend's memory with 10,000 idle proxied IMAP sessions. Writes
# bench/results/proxy-<date>-<time>.md. Needs root (Cyrus binds 143, 24, 3905 and runs as user cyrus) and Debian's
# cyrus-imapd, cyrus-murder, cyrus-common and sasl2-bin.
#
#   bench/run-proxy.sh [key=value ...]     options of ProxyBench measure for the four targets, e.g.
#                                           clients=8 session-seconds=20 lmtp-seconds=20 lmtp-kb=2 fetch-runs=15
#
# Ours: `./murder start --topology discrete` with MURDER_VAR=bench/target/proxy-var and MURDER_PORT_BASE=21000
# (master 210xx, be1 211xx, be2 212xx, fe1 213xx, fe2 214xx; docs/topologies.md). Cyrus: a mupdate master on
# 127.0.0.43:3905, a backend on 127.0.0.41 (imapd 143, lmtpd 24), a frontend on 127.0.0.42 (mupdate slave 3905,
# imapd 143, lmtpd 24), configurations under bench/target/pcyrus/{master,be,fe}.
#
# Environment: BENCH_SKIP_BUILD=1 never builds; BENCH_ONLY=ours|cyrus measures one side (the report takes the
# other's properties from the last run in bench/target/proxy-run); BENCH_IDLE (10000) idle sessions on fe1 (0
# skips), BENCH_LATENCY (50) CREATEs; BENCH_PORT_BASE (21000); BENCH_LOCK (/tmp/murder-it.lock): each side holds
# it (flock) only while its servers run.
set -euo pipefail

source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
ONLY=${BENCH_ONLY:-both}
IDLE=${BENCH_IDLE:-10000}
LATENCY=${BENCH_LATENCY:-50}
RUN="$TARGET/proxy-run"
USERS="benchsess benchfetch benchlmtp"
IDLE_USERS=5
for (( i = 0; i < IDLE_USERS; i++ )); do USERS+=" $(printf 'benchidle%02d' "$i")"; done

export MURDER_VAR="$TARGET/proxy-var"
export MURDER_PORT_BASE=${BENCH_PORT_BASE:-21000}
export MURDER_START_TIMEOUT=${MURDER_START_TIMEOUT:-600}
unset MURDER_HOME MURDER_CONF
TOPO="$MURDER_VAR/topology/discrete"
port() { echo $((MURDER_PORT_BASE + 100 * $1 + $2)); }   # node number (master 0, be1 1, be2 2, fe1 3, fe2 4), offset
BE1_IMAP=$(port 1 43); BE1_LMTP=$(port 1 24)
FE1_IMAP=$(port 3 43); FE1_LMTP=$(port 3 24); FE1_HTTP=$(port 3 80); FE2_HTTP=$(port 4 80)

C_MASTER_IP=127.0.0.43; C_BE_IP=127.0.0.41; C_FE_IP=127.0.0.42
CYRUS_ROOT="$TARGET/pcyrus"
C_ADMIN=bench; C_ADMIN_PW=bench-pw

[[ $(id -u) == 0 ]] || die "run as root: Cyrus binds ports 143, 24 and 3905 and switches to user cyrus"
case "$ONLY" in both|ours|cyrus) ;; *) die "BENCH_ONLY must be both, ours or cyrus" ;; esac
if [[ "$ONLY" != ours ]]; then
  [[ -x "$CYRUS_BIN/master" && -x "$CYRUS_BIN/mupdate" && -x "$SASLPASSWD2" ]] || die "needs Debian's cyrus-imapd, cyrus-murder and sasl2-bin"
  id cyrus >/dev/null 2>&1 || die "no user cyrus"
fi

build_if_needed

# 10,000 proxied sessions: 20,000 sockets in fe1 (client side and backend side), 10,000 in be1 and in the client
ulimit -Hn 65536 2>/dev/null || true
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"
IDLE_NOTE=""
if (( $(ulimit -n) < 2 * IDLE + 2000 )); then
  IDLE_NOTE="The open-file limit here is $(ulimit -n) (hard; raising it needs CAP_SYS_RESOURCE, which this machine's root lacks): fe1 holds two sockets per proxied session besides the JVM's own ~1,000 files, so $(( ($(ulimit -n) - 2000) / 2 )) sessions were measured instead of $IDLE."
  say "$IDLE_NOTE"
  IDLE=$(( ($(ulimit -n) - 2000) / 2 ))
fi
mkdir -p "$TARGET" "$RESULTS" "$RUN"

# ---------------------------------------------------------------- clean-up, whatever happens
cleanup() {
  local rc=$?
  trap - EXIT
  stop_client
  stop_topology
  stop_cyrus
  unlock
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

client() { run_client 1g ProxyBench "$@"; }
jvm_of() { cat "$TOPO/$1/node/murder.pid"; }
node_errors() { log_errors "$TOPO/$1/node/log/server.log" "$2"; }   # NODE FROM_LINE
log_lines() { local f="$TOPO/$1/node/log/server.log"; [[ -f "$f" ]] && wc -l <"$f" || echo 0; }

PROVENANCE=""
rc=0
NODES="master be1 be2 fe1 fe2"

ours_fsyncs() { # LABEL: one delivery to be1's LMTP under strace: how many fsync/fdatasync calls before its 250?
  local trace="$RUN/$1.strace" spid n
  rm -f "$trace"
  strace -f -qq -e trace=fsync,fdatasync,sync_file_range -o "$trace" -p "$(jvm_of be1)" 2>/dev/null &
  spid=$!
  sleep 2
  python3 - "$BE1_LMTP" <<'PY' >/dev/null 2>&1 || true
import smtplib, sys
s = smtplib.LMTP('127.0.0.1', int(sys.argv[1]))
s.sendmail('bench@example.org', ['benchlmtp'], b'Subject: fsync probe\r\n\r\nprobe\r\n')
s.quit()
PY
  sleep 1
  kill "$spid" 2>/dev/null || true; wait "$spid" 2>/dev/null || true
  n=$(grep -c -E '(fsync|fdatasync|sync_file_range)\(' "$trace" 2>/dev/null || true)
  echo "one LMTP delivery to be1 made ${n:-0} fsync/fdatasync calls (strace -f of its JVM, \`bench/target/proxy-run/$1.strace\`)"
}

# ---------------------------------------------------------------- 1. ours: the discrete topology
if [[ "$ONLY" != cyrus ]]; then
  lock
  [[ -z "$(cat "$MURDER_VAR/topology/active" 2>/dev/null)" ]] || "$ROOT/murder" stop || true
  for n in 0 1 2 3 4; do for o in 5 24 43 80; do
    port_open 127.0.0.1 "$(port $n $o)" && die "port $(port $n $o) on 127.0.0.1 is already in use"
  done; done
  # the benchmark's settings, added to the launcher's node settings (written once, kept): room for the idle sessions
  # on fe1 and be1 (be1 gets the single node's heap, 512m: it holds the backend sessions; fe1, the node measured,
  # keeps the topology's default), and PLAIN LOGIN only on the servers, as Cyrus's sasl_mech_list below: both
  # murders' nodes log in to each other with PLAIN on the loopback, the same work on both sides
  bench_settings() { # prints the nodes whose settings it changed
    local n
    for n in master be1 be2; do
      grep -q '^sasl_mech_list:' "$TOPO/$n/murder.conf" || { printf '\n# bench/run-proxy.sh\nsasl_mech_list: PLAIN LOGIN\n' >>"$TOPO/$n/murder.conf"; echo "$n"; }
    done
    for n in be1 fe1; do
      # set to this run's need (an earlier run with a smaller BENCH_IDLE left a smaller one)
      grep -q "^imap_connections_max: $((IDLE + 500))\$" "$TOPO/$n/murder.conf" || {
        sed -i -E '/^imap_connections_max:/d' "$TOPO/$n/murder.conf"
        printf 'imap_connections_max: %d\n' $((IDLE + 500)) >>"$TOPO/$n/murder.conf"; echo "$n"; }
    done
    grep -q '^java_heap: 512m' "$TOPO/be1/murder.conf" || { sed -i -E 's/^java_heap:.*/java_heap: 512m/' "$TOPO/be1/murder.conf"; echo be1; }
  }
  start_topology bench_settings
  NODE_PW=$(sed -n -E 's/^node_password:[[:space:]]*(.*)$/\1/p' "$TOPO/topology.conf")
  add_users be1 $USERS
  declare -A from=()
  for n in $NODES; do from[$n]=$(log_lines "$n"); done
  PROVENANCE+="Ours: $(ours_provenance)"
  PROVENANCE+="; the discrete topology (\`MURDER_VAR=bench/target/proxy-var MURDER_PORT_BASE=$MURDER_PORT_BASE\`), every node a WildFly JVM: "
  for n in $NODES; do
    PROVENANCE+="$n $(tr '\0' '\n' <"/proc/$(jvm_of "$n")/cmdline" | grep -E '^-Xm[sx]' | tr '\n' ' ')"
    [[ $n == fe2 ]] || PROVENANCE+=", "
  done
  PROVENANCE+="; be1 fsyncs each message file and its directory before the commit and the 250; its H2 index is written, not fsynced, per commit (docs/backend.md)"$'\n'
  CPU_PIDS="cpu-pids=be1:$(jvm_of be1),fe1:$(jvm_of fe1)"
  say "ours, direct to be1 (IMAP $BE1_IMAP, LMTP $BE1_LMTP)"
  client measure ours-direct 127.0.0.1 "$BE1_IMAP" "$BE1_LMTP" "$RUN/ours-direct.properties" "$CPU_PIDS" "$@" || rc=$?
  say "ours, through fe1 (IMAP $FE1_IMAP, LMTP $FE1_LMTP)"
  client measure ours-fe 127.0.0.1 "$FE1_IMAP" "$FE1_LMTP" "$RUN/ours-fe.properties" phases=await,warmup,sessions,fetch,lmtp1,lmtpN "$CPU_PIDS" "$@" || rc=$?
  if (( LATENCY > 0 )); then
    say "ours, CREATE on be1 → fe1's and fe2's copies"
    client latency 127.0.0.1 "$BE1_IMAP" "murder-node:$NODE_PW" "$FE1_HTTP,$FE2_HTTP" "murder-node:$NODE_PW" \
      "$RUN/latency.properties" "count=$LATENCY" || rc=$?
  fi
  if (( IDLE > 0 )); then
    layout=""
    for (( i = 0; i < IDLE_USERS; i++ )); do
      layout+="$(printf 'benchidle%02d' "$i")=$(( IDLE / IDLE_USERS + (i < IDLE % IDLE_USERS ? 1 : 0) )),"
    done
    say "ours, $IDLE idle sessions through fe1"
    client idle 127.0.0.1 "$FE1_IMAP" "${layout%,}" "$(jvm_of fe1)" "$(jvm_of be1)" "$FE1_HTTP" "$RUN/idle.properties" || rc=$?
  fi
  # Cyrus 3.6 makes no fsync per delivery (cyrus_fsyncs below): be1 again under eatmydata (fsync and fdatasync
  # made no-ops by LD_PRELOAD), the same LMTP phases, so the comparison with Cyrus is also made at equal durability
  PROVENANCE+="Ours: $(ours_fsyncs be1-fsync) (be1 as measured above)."$'\n'
  if command -v eatmydata >/dev/null; then
    say "ours, be1 restarted under eatmydata (no fsync, as Cyrus): LMTP direct and through fe1"
    "$ROOT/murder" stop be1 >/dev/null
    eatmydata "$ROOT/murder" start be1 >/dev/null || die "be1 did not start under eatmydata"
    PROVENANCE+="Ours, equal durability: be1 restarted under \`eatmydata\` (Debian's libeatmydata: fsync and fdatasync are no-ops); $(ours_fsyncs be1-eatmydata); then the LMTP phases again, direct and through fe1."$'\n'
    client measure ours-direct-nofsync 127.0.0.1 "$BE1_IMAP" "$BE1_LMTP" "$RUN/ours-direct-nofsync.properties" phases=await,lmtp1,lmtpN "$@" || rc=$?
    client measure ours-fe-nofsync 127.0.0.1 "$FE1_IMAP" "$FE1_LMTP" "$RUN/ours-fe-nofsync.properties" phases=await,lmtp1,lmtpN "$@" || rc=$?
  else
    rm -f "$RUN"/ours-*-nofsync.properties
    PROVENANCE+="Ours, equal durability: not measured (eatmydata is not installed: apt-get install eatmydata)."$'\n'
  fi
  PROVENANCE+="Ours: ERROR/SEVERE lines logged during the run:"
  for n in $NODES; do PROVENANCE+=" $n $(node_errors "$n" "${from[$n]}")"; done
  PROVENANCE+="."$'\n'
  stop_topology
  unlock
fi

# ---------------------------------------------------------------- 2. Cyrus: mupdate master, backend, frontend
cyrus_services() { # ROLE CONF IP
  [[ $1 == master ]] && return 0
  echo "  imap cmd=\"$CYRUS_BIN/imapd -C $2 -U 30\" listen=\"$3:143\" proto=\"tcp4\" prefork=0 maxchild=200"
  echo "  lmtp cmd=\"$CYRUS_BIN/lmtpd -C $2\" listen=\"$3:24\" proto=\"tcp4\" prefork=0 maxchild=40"
}

cyrus_fsyncs() { # one delivery to the Cyrus backend's lmtpd under strace: does it fsync before its 250?
  local be_pid=${CYRUS_PIDS[1]} trace="$CYRUS_ROOT/lmtp-fsync.strace" spid n
  rm -f "$trace"
  strace -f -qq -e trace=fsync,fdatasync,sync_file_range -o "$trace" -p "$be_pid" 2>/dev/null &
  spid=$!
  sleep 1
  python3 - "$C_BE_IP" "$C_ADMIN" "$C_ADMIN_PW" <<'PY' >/dev/null 2>&1 || true
import smtplib, sys
s = smtplib.LMTP(sys.argv[1], 24)
s.login(sys.argv[2], sys.argv[3])
s.sendmail('bench@example.org', ['benchlmtp'], b'Subject: fsync probe\r\n\r\nprobe\r\n')
s.quit()
PY
  sleep 1
  kill "$spid" 2>/dev/null || true; wait "$spid" 2>/dev/null || true
  n=$(grep -c -E '(fsync|fdatasync|sync_file_range)\(' "$trace" 2>/dev/null || true)
  echo "one LMTP delivery to its backend made ${n:-0} fsync/fdatasync calls (strace -f of its master, \`bench/target/pcyrus/lmtp-fsync.strace\`)"
}


if [[ "$ONLY" != ours ]]; then
  lock
  [[ -z "$(cyrus_pids)" ]] || die "Cyrus processes of $CYRUS_ROOT are still running: $(cyrus_pids | tr '\n' ' ')"
  for ipp in "$C_MASTER_IP:3905" "$C_BE_IP:143" "$C_BE_IP:24" "$C_FE_IP:143" "$C_FE_IP:24" "$C_FE_IP:3905"; do
    port_open "${ipp%:*}" "${ipp#*:}" && die "port $ipp is already in use"
  done
  cyrus_conf master "$C_MASTER_IP" master
  cyrus_conf be "$C_BE_IP" backend
  cyrus_conf fe "$C_FE_IP" frontend
  cyrus_start master "$C_MASTER_IP" "3905:* AUTH"
  cyrus_start be "$C_BE_IP" "143:* OK" "24:220 "
  cyrus_start fe "$C_FE_IP" "3905:* AUTH" "143:* OK" "24:220 "
  PROVENANCE+="Cyrus: Debian $(dpkg-query -W -f '${Package} ${Version}' cyrus-imapd 2>/dev/null || echo cyrus-imapd), "
  PROVENANCE+="a murder of its own (\`bench/target/pcyrus\`): mupdate master $C_MASTER_IP:3905, backend $C_BE_IP (imapd -U 30 prefork=0, "
  PROVENANCE+="lmtpd on TCP with AUTH), frontend $C_FE_IP (mupdate slave, imapd and lmtpd as proxies); sasldb; Cyrus's defaults for durability: "
  PROVENANCE+="@FSYNC@."$'\n'
  say "Cyrus, direct to its backend ($C_BE_IP)"
  client measure cyrus-direct "$C_BE_IP" 143 24 "$RUN/cyrus-direct.properties" "create-as=$C_ADMIN:$C_ADMIN_PW" \
    "lmtp-auth=$C_ADMIN:$C_ADMIN_PW" "$@" || rc=$?
  PROVENANCE=${PROVENANCE/@FSYNC@/$(cyrus_fsyncs)}
  say "Cyrus, through its frontend ($C_FE_IP)"
  client measure cyrus-fe "$C_FE_IP" 143 24 "$RUN/cyrus-fe.properties" phases=await,warmup,sessions,fetch,lmtp1,lmtpN \
    "lmtp-auth=$C_ADMIN:$C_ADMIN_PW" "$@" || rc=$?
  stop_cyrus
  unlock
fi

# ---------------------------------------------------------------- 3. the report
OUT="$RESULTS/proxy-$(date +%Y-%m-%d-%H%M%S).md"
java -cp "$CP" org.murder.bench.ProxyBench report "$OUT" "$RUN" >/dev/null || rc=$?
if [[ -f "$OUT" ]]; then
  printf '\n## Provenance\n\n%s' "$PROVENANCE" >>"$OUT"
  [[ -z "$IDLE_NOTE" || "$ONLY" == cyrus ]] || printf '\n%s\n' "$IDLE_NOTE" >>"$OUT"
  [[ "$ONLY" == both ]] || printf '\nOnly %s measured in this run; the other side'"'"'s figures are from the last run in bench/target/proxy-run.\n' "$ONLY" >>"$OUT"
  cat "$OUT"
  say "results: $OUT"
fi
exit "$rc"
