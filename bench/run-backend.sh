#!/usr/bin/env bash
# Backend benchmark, end to end: our node against Debian's Cyrus 3.6 on the same machine in the same run,
# one after the other (never both at once). Builds if needed, starts a node of its own (settings
# bench/target/backend.conf, node directory bench/target/backend-node, ports 26xxx), runs
# org.murder.bench.BackendBench against it (LMTP, IMAP sessions, FETCH, UID FETCH on 100,000 messages, memory of
# 5,000 idle IMAP connections), stops it; then writes a Cyrus configuration under bench/target/cyrus, starts
# Cyrus's master on 127.0.0.21 (imapd :143, lmtpd :24), runs the same client against it, stops it; then writes
# bench/results/backend-<date>.md with both figures and the ratio ours/Cyrus. Needs root (Cyrus binds ports 143
# and 24 and runs as user cyrus) and Debian's cyrus-imapd, cyrus-common and sasl2-bin.
#
#   bench/run-backend.sh [key=value ...]      options of BackendBench measure, for both servers, e.g.
#                                              clients=8 lmtp-msgs=2000 sessions=2000 big=100000 runs=5 minutes=20
#                                              populate-minutes=40 phases=lmtp1,uid (only those phases)
#   bench/run-backend.sh memory [key=value ...]
#                                              the idle-sessions target: phases populate,uid,idle only, 10,000 idle
#                                              sessions on ours (BENCH_IDLE), half on benchbig's INBOX, half over
#                                              idle-users=50 users with idle-msgs=100000 messages each (copied from
#                                              benchbig's); results in bench/results/memory-<date>.md
#   bench/run-backend.sh db [key=value ...]   our node on H2, on PostgreSQL (synchronous commit) and on H2 under
#                                              eatmydata (LMTP only), then Cyrus: the LMTP, session, FETCH and UID
#                                              FETCH phases, fsync calls per delivery counted (strace); results in
#                                              bench/results/db-<date>.md
#   bench/run-backend.sh sort [key=value ...] SortBench: SORT/THREAD on a 100,000-message mailbox of threads and
#                                              QRESYNC SELECT after 1,000 changes; results in bench/results/sort-<date>.md.
#                                              "first" means first since the server started only when the run did not
#                                              populate: populate with `sort qresync-runs=0` (the QRESYNC phase changes
#                                              1,250 messages, differently on each server), then measure with `sort`
#   bench/run-backend.sh lmtp-selected [key=value ...]
#                                              LMTP into a mailbox with and without a session that has it SELECTed
#                                              and IDLEs: phases warmup,lmtp1,lmtpN,lmtp1-sel,lmtpN-sel into
#                                              benchbig's INBOX (lmtp-user), runs=3, the deliveries expunged after;
#                                              results in bench/results/lmtp-selected-<date>.md
#
# Environment: BENCH_SKIP_BUILD=1 never builds; BENCH_ONLY=ours|cyrus measures one server (the report then
# lacks the other, unless its results from an earlier run are still in bench/target); BENCH_IDLE (5000) idle
# IMAP connections on our node, BENCH_CYRUS_IDLE (200) on Cyrus (a process each; 0 skips);
# BENCH_EXTRA_SETTINGS: lines added to our node's settings (e.g. a PostgreSQL murder_db_url);
# BENCH_IMAP_PORT, BENCH_LMTP_PORT, BENCH_HTTP_PORT, BENCH_MANAGEMENT_PORT, BENCH_MUPDATE_PORT move our
# node's main ports; BENCH_CYRUS_IP (127.0.0.21). Both servers keep their mailboxes between runs, so a rerun
# skips the 100,000-message population; `rm -rf bench/target/backend-node bench/target/cyrus` starts afresh.
set -euo pipefail

source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

IMAP_PORT=${BENCH_IMAP_PORT:-26143}
LMTP_PORT=${BENCH_LMTP_PORT:-26024}
MUPDATE_PORT=${BENCH_MUPDATE_PORT:-26905}
HTTP_PORT=${BENCH_HTTP_PORT:-26080}
MANAGEMENT_PORT=${BENCH_MANAGEMENT_PORT:-26990}
OTHER_PORTS="26443 26993 26712 26713 26528 26529"
CYRUS_IP=${BENCH_CYRUS_IP:-127.0.0.21}
CYRUS_IMAP=143
CYRUS_LMTP=24
MODE=backend
if [[ "${1:-}" == memory ]]; then
  MODE=memory
  shift
  set -- phases=populate,uid,idle "$@"   # a later phases= of the caller wins
elif [[ "${1:-}" == db ]]; then
  MODE=db
  shift
  BENCH_IDLE=0
  set -- idle-users=0 phases=setup,populate,warmup,lmtp1,lmtpN,sessions,fetch,uid "$@"
elif [[ "${1:-}" == sort ]]; then
  MODE=sort
  shift
  BENCH_IDLE=0
  BENCH_CYRUS_IDLE=0
elif [[ "${1:-}" == lmtp-selected ]]; then
  MODE=lmtp-selected
  shift
  BENCH_IDLE=0
  set -- phases=warmup,lmtp1,lmtpN,lmtp1-sel,lmtpN-sel lmtp-selected=yes lmtp-user=benchbig runs=3 idle-users=0 "$@"
else
  set -- idle-users=0 "$@"                # all idle sessions on benchbig: no 100,000-message copies (memory makes them)
fi
IDLE=${BENCH_IDLE:-$([[ $MODE == memory ]] && echo 10000 || echo 5000)}
CYRUS_IDLE=${BENCH_CYRUS_IDLE:-200}
ONLY=${BENCH_ONLY:-both}
ADMIN=bench
ADMIN_PW=bench-pw
USERS="benchlmtp benchsess benchfetch benchbig"   # BackendBench's; password <user>-pw
IDLE_USERS=50                                     # BackendBench's idle-users: benchidle00 ...
for a in "$@"; do [[ "$a" == idle-users=* ]] && IDLE_USERS=${a#idle-users=}; done
for (( i = 0; i < IDLE_USERS; i++ )); do USERS+=" $(printf 'benchidle%02d' "$i")"; done
MAIN=BackendBench
if [[ $MODE == sort ]]; then
  USERS="benchsort"                               # SortBench's
  MAIN=SortBench
fi

export MURDER_CONF="$TARGET/backend.conf"
export MURDER_HOME="$TARGET/backend-node"
export MURDER_START_TIMEOUT=${MURDER_START_TIMEOUT:-300}
CYRUS_DIR="$TARGET/cyrus"
CYRUS_CONF="$CYRUS_DIR/imapd.conf"
OURS_PROPS="$TARGET/$MODE-ours.properties"
OURS_PG_PROPS="$TARGET/$MODE-ours-pg.properties"
OURS_NOFSYNC_PROPS="$TARGET/$MODE-ours-nofsync.properties"
PG_HOST=${BENCH_PG_HOST:-127.0.0.1}
PG_PORT=${BENCH_PG_PORT:-5432}
PG_DB=${BENCH_PG_DB:-murder_bench}
CYRUS_PROPS="$TARGET/$MODE-cyrus.properties"

[[ $(id -u) == 0 ]] || die "run as root: Cyrus binds ports $CYRUS_IMAP and $CYRUS_LMTP and switches to user cyrus"
case "$ONLY" in both|ours|cyrus) ;; *) die "BENCH_ONLY must be both, ours or cyrus" ;; esac
if [[ "$ONLY" != ours ]]; then
  [[ -x "$CYRUS_BIN/master" && -x "$SASLPASSWD2" ]] || die "needs Debian's cyrus-imapd and sasl2-bin"
  id cyrus >/dev/null 2>&1 || die "no user cyrus"
fi

build_if_needed

# 5,000 idle connections need as many descriptors in the server and in the client
ulimit -n 20000 2>/dev/null || ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
if (( $(ulimit -n) < IDLE + 1000 )); then
  say "open-file limit $(ulimit -n) is too low for $IDLE idle connections; measuring $(( $(ulimit -n) - 1000 ))"
  IDLE=$(( $(ulimit -n) - 1000 ))
fi

mkdir -p "$TARGET" "$RESULTS"

# ---------------------------------------------------------------- clean-up, whatever happens
NODE_STARTED=0
stop_node() {
  if (( NODE_STARTED )); then
    "$ROOT/murder" stop || true
    NODE_STARTED=0
  fi
}
# pids of the processes of our Cyrus: their command line names this run's imapd.conf
cyrus_pids() {
  local d
  for d in /proc/[0-9]*; do
    if { tr '\0' ' ' <"$d/cmdline"; } 2>/dev/null | grep -q -F -- "-C $CYRUS_CONF"; then echo "${d#/proc/}"; fi
  done
}
stop_cyrus() {
  [[ -n "${CYRUS_PID:-}" ]] || return 0
  local others
  others=$(cyrus_pids)
  kill -TERM "$CYRUS_PID" 2>/dev/null || true   # master stops its children
  for _ in $(seq 1 20); do kill -0 "$CYRUS_PID" 2>/dev/null || break; sleep 0.5; done
  kill -KILL "$CYRUS_PID" 2>/dev/null || true
  others="$others $(cyrus_pids)"
  for p in $others; do kill -KILL "$p" 2>/dev/null || true; done
  wait "$CYRUS_PID" 2>/dev/null || true
  CYRUS_PID=""
  say "Cyrus stopped"
}
cleanup() {
  local rc=$?
  trap - EXIT
  stop_client
  stop_node
  stop_cyrus
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

run_bench() { run_client 1g "$MAIN" "$@"; }   # BackendBench or SortBench

PROVENANCE=""
# the machine may share its host: the share of CPU time the hypervisor gave to others ("steal") while each
# server was measured says how comparable the two blocks are
cpu_snapshot() { awk '/^cpu /{t=0; for(i=2;i<=NF;i++) t+=$i; print t, $9}' /proc/stat; }
steal_since() { # "TOTAL STEAL" from cpu_snapshot: percent of CPU time stolen since then
  local now; now=$(cpu_snapshot)
  awk -v a="$1" -v b="$now" 'BEGIN{split(a,x," "); split(b,y," "); d=y[1]-x[1]; printf "%.0f", (d > 0 ? 100*(y[2]-x[2])/d : 0)}'
}
rc=0

# ---------------------------------------------------------------- 1. our node
# DB_SETTINGS: lines for the node's database (empty: the embedded H2 default)
write_conf() {
  cat >"$MURDER_CONF" <<EOF
# written by bench/run-backend.sh; every socket of this node is moved off the defaults
servername: benchbackend
admins: $ADMIN
allowplaintext: yes
imap_port: $IMAP_PORT
imap_listen: 127.0.0.1
imap_connections_max: $(( IDLE + 100 > 6000 ? IDLE + 100 : 6000 ))
lmtp_port: $LMTP_PORT
lmtp_listen: 127.0.0.1
pop3_port: 26110
mupdate_port: $MUPDATE_PORT
mupdate_listen: 127.0.0.1
http_port: $HTTP_PORT
https_port: 26443
management_port: $MANAGEMENT_PORT
management_https_port: 26993
txn_recovery_port: 26712
txn_status_port: 26713
iiop_port: 26528
iiop_ssl_port: 26529
EOF
  [[ -n "${DB_SETTINGS:-}" ]] && printf '%s\n' "$DB_SETTINGS" >>"$MURDER_CONF"
  [[ -n "${BENCH_EXTRA_SETTINGS:-}" ]] && printf '%s\n' "$BENCH_EXTRA_SETTINGS" >>"$MURDER_CONF"
  return 0
}

# one delivery (to benchlmtp) under strace of PID and its children: how many fsync/fdatasync calls before its 250?
lmtp_fsyncs() { # PID HOST PORT TRACE_FILE
  local pid=$1 host=$2 port=$3 trace=$4 spid n
  rm -f "$trace"
  strace -f -qq -e trace=fsync,fdatasync,sync_file_range -o "$trace" -p "$pid" 2>/dev/null &
  spid=$!
  sleep 2
  python3 - "$host" "$port" "$ADMIN" "$ADMIN_PW" <<'PY' >/dev/null 2>&1 || true
import smtplib, sys
s = smtplib.LMTP(sys.argv[1], int(sys.argv[2]))
s.ehlo()
if s.has_extn('auth'):
    s.login(sys.argv[3], sys.argv[4])
s.sendmail('bench@example.org', ['benchlmtp'], b'Subject: fsync probe\r\n\r\nprobe\r\n')
s.quit()
PY
  sleep 1
  kill "$spid" 2>/dev/null || true
  wait "$spid" 2>/dev/null || true
  n=$(grep -c -E '(fsync|fdatasync|sync_file_range)\(' "$trace" 2>/dev/null || true)
  echo "${n:-0}"
}

# measure_ours LABEL PROPS [WRAPPER ...] -- [BackendBench options]: start our node (MURDER_HOME, MURDER_CONF as
# set), run the client against it, stop it; appends to PROVENANCE
measure_ours() {
  local label=$1 props=$2 wrapper=()
  shift 2
  while [[ $# -gt 0 && "$1" != -- ]]; do wrapper+=("$1"); shift; done
  [[ "${1:-}" == -- ]] && shift
  mkdir -p "$MURDER_HOME"
  write_conf
  if [[ -f "$MURDER_HOME/murder.pid" ]] && kill -0 "$(cat "$MURDER_HOME/murder.pid")" 2>/dev/null; then
    die "a node is already running in $MURDER_HOME (stop it: MURDER_CONF=$MURDER_CONF MURDER_HOME=$MURDER_HOME ./murder stop)"
  fi
  for p in "$IMAP_PORT" "$LMTP_PORT" "$MUPDATE_PORT" "$HTTP_PORT" "$MANAGEMENT_PORT" $OTHER_PORTS; do
    port_open 127.0.0.1 "$p" && die "port $p on 127.0.0.1 is already in use"
  done
  for u in "$ADMIN" $USERS; do
    pw="$u-pw"; [[ "$u" == "$ADMIN" ]] && pw=$ADMIN_PW
    if ! grep -q -E "^$u=" "$MURDER_HOME/configuration/murder-users.properties" 2>/dev/null; then
      "$ROOT/murder" adduser "$u" "$pw" >/dev/null
    fi
  done
  LOG="$MURDER_HOME/log/server.log"
  log_from=0
  [[ -f "$LOG" ]] && log_from=$(wc -l <"$LOG")
  PROVENANCE+="Our server ($label): $(ours_provenance)"
  (( ${#wrapper[@]} )) && PROVENANCE+="; started as \`${wrapper[*]} ./murder start\`"
  t0=$SECONDS
  NODE_STARTED=1
  "${wrapper[@]}" "$ROOT/murder" start
  say "node ($label) up in $((SECONDS - t0)) s"
  for _ in $(seq 1 60); do port_open 127.0.0.1 "$IMAP_PORT" && port_open 127.0.0.1 "$LMTP_PORT" && break; sleep 1; done
  port_open 127.0.0.1 "$IMAP_PORT" || die "IMAP does not listen on 127.0.0.1:$IMAP_PORT; see $LOG"
  # ./murder's pid file holds the server JVM's pid (earlier launchers: standalone.sh's, the JVM its java child)
  PIDFILE_PID=$(cat "$MURDER_HOME/murder.pid" 2>/dev/null || true)
  if [[ "$(ps -o comm= -p "$PIDFILE_PID" 2>/dev/null || true)" == java ]]; then
    JVM_PID=$PIDFILE_PID
  else
    JVM_PID=$(ps -o pid=,comm= --ppid "$PIDFILE_PID" 2>/dev/null | awk '$2 == "java" {print $1; exit}' || true)
  fi
  [[ -n "$JVM_PID" ]] || die "cannot find the server's JVM (murder.pid: ${PIDFILE_PID:-none})"
  jvm_heap=$(tr '\0' '\n' <"/proc/$JVM_PID/cmdline" | grep -E '^-Xm[sx]' | tr '\n' ' ' || true)
  PROVENANCE+="; server JVM pid $JVM_PID with ${jvm_heap:-default heap flags}, $(ulimit -n) open files"
  say "measuring our node, $label (IMAP 127.0.0.1:$IMAP_PORT, LMTP :$LMTP_PORT, JVM pid $JVM_PID)"
  rm -f "$props"
  snap=$(cpu_snapshot)
  run_bench measure "$label" 127.0.0.1 "$IMAP_PORT" "$LMTP_PORT" "$ADMIN" "$ADMIN_PW" "$props" \
    "idle=$IDLE" "server-pid=$JVM_PID" "http-port=$HTTP_PORT" "$@" || rc=$?
  if [[ $MODE == db ]] && command -v strace >/dev/null; then
    PROVENANCE+="; one LMTP delivery after the run made $(lmtp_fsyncs "$JVM_PID" 127.0.0.1 "$LMTP_PORT" "$TARGET/$label.strace") fsync/fdatasync calls in the JVM (strace -f, \`bench/target/$label.strace\`)"
  fi
  problems=$(log_errors "$LOG" "$log_from")
  say "our server.log: $problems ERROR/SEVERE lines during the run"
  if (( problems > 0 )); then
    tail -n +"$((log_from + 1))" "$LOG" | grep -E ' (ERROR|SEVERE) ' | head -n 10 || true
  fi
  PROVENANCE+="; its server.log: $problems ERROR/SEVERE lines during the run; CPU steal while measured: $(steal_since "$snap") %."$'\n'
  stop_node
}

if [[ "$ONLY" != cyrus ]]; then
  DB_SETTINGS=""
  measure_ours ours "$OURS_PROPS" -- "$@"
  if [[ $MODE == db ]]; then
    # the same node on PostgreSQL (synchronous_commit as the server has it: on by default), its own node directory
    # and database, so that each keeps its own big mailbox between runs
    psql -h "$PG_HOST" -p "$PG_PORT" -U postgres -Atqc "select 1 from pg_database where datname = '$PG_DB'" | grep -q 1 \
      || psql -h "$PG_HOST" -p "$PG_PORT" -U postgres -qc "create database $PG_DB" || die "cannot create database $PG_DB"
    pg_settings=$(psql -h "$PG_HOST" -p "$PG_PORT" -U postgres -Atc \
      "select string_agg(name || '=' || setting, ', ' order by name) from pg_settings where name in ('fsync', 'synchronous_commit', 'wal_sync_method', 'full_page_writes')")
    PROVENANCE+="PostgreSQL: $(psql -h "$PG_HOST" -p "$PG_PORT" -U postgres -Atc 'show server_version') on $PG_HOST:$PG_PORT, database $PG_DB, $pg_settings (each commit waits for its WAL to be flushed to disk)."$'\n'
    DB_SETTINGS="murder_db_driver: postgresql
murder_db_url: jdbc:postgresql://$PG_HOST:$PG_PORT/$PG_DB
murder_db_user: postgres
murder_db_password: postgres"
    MURDER_HOME="$TARGET/backend-node-pg" MURDER_CONF="$TARGET/backend-pg.conf"
    measure_ours ours-pg "$OURS_PG_PROPS" -- "$@"
    MURDER_HOME="$TARGET/backend-node" MURDER_CONF="$TARGET/backend.conf"
    # Cyrus 3.6 as configured here makes no fsync per delivery (strace in bench/run-proxy.sh's runs): the H2 node
    # again with fsync and fdatasync made no-ops, for the comparison at equal durability (LMTP only)
    DB_SETTINGS=""
    if command -v eatmydata >/dev/null; then
      measure_ours ours-nofsync "$OURS_NOFSYNC_PROPS" eatmydata -- "$@" phases=warmup,lmtp1,lmtpN
    else
      PROVENANCE+="Ours at equal durability: not measured (eatmydata is not installed: apt-get install eatmydata)."$'\n'
    fi
  fi
fi

# ---------------------------------------------------------------- 2. Cyrus
if [[ "$ONLY" != ours ]]; then
  [[ -z "$(cyrus_pids)" ]] || die "Cyrus processes of $CYRUS_CONF are still running: $(cyrus_pids | tr '\n' ' ')"
  for p in "$CYRUS_IMAP" "$CYRUS_LMTP"; do
    port_open "$CYRUS_IP" "$p" && die "port $p on $CYRUS_IP is already in use"
  done
  C="$CYRUS_DIR/conf"
  mkdir -p "$C"/{db,socket,proc,lock,log} "$CYRUS_DIR"/{spool,run,sieve,tmp}
  cat >"$CYRUS_CONF" <<EOF
# written by bench/run-backend.sh: a plain Cyrus backend (no murder) for the benchmark
configdirectory: $C
defaultpartition: default
partition-default: $CYRUS_DIR/spool
servername: $CYRUS_IP
admins: $ADMIN
allowplaintext: yes
altnamespace: no
unixhierarchysep: no
lmtp_downcase_rcpt: yes
sasl_pwcheck_method: auxprop
sasl_auxprop_plugin: sasldb
sasl_sasldb_path: $CYRUS_DIR/sasldb2
sasl_mech_list: PLAIN LOGIN
proc_path: $C/proc
mboxname_lockpath: $C/lock
lmtpsocket: $C/socket/lmtp
idlesocket: $C/socket/idle
notifysocket: $C/socket/notify
sievedir: $CYRUS_DIR/sieve
temp_path: $CYRUS_DIR/tmp
syslog_prefix: cyrus-bench
master_bind_errors_fatal: yes
EOF
  imap_max=$(( CYRUS_IDLE + 50 > 100 ? CYRUS_IDLE + 50 : 100 ))
  # Debian's packaged SERVICES lines (imapd -U 30, prefork=0), bound to one loopback address; lmtp on TCP
  cat >"$CYRUS_DIR/cyrus.conf" <<EOF
# written by bench/run-backend.sh
START {
  recover cmd="$CYRUS_BIN/ctl_cyrusdb -C $CYRUS_CONF -r"
}
SERVICES {
  imap cmd="$CYRUS_BIN/imapd -C $CYRUS_CONF -U 30" listen="$CYRUS_IP:$CYRUS_IMAP" proto="tcp4" prefork=0 maxchild=$imap_max
  lmtp cmd="$CYRUS_BIN/lmtpd -C $CYRUS_CONF" listen="$CYRUS_IP:$CYRUS_LMTP" proto="tcp4" prefork=0 maxchild=20
}
EVENTS {
  checkpoint cmd="$CYRUS_BIN/ctl_cyrusdb -C $CYRUS_CONF -c" period=30
}
EOF
  for u in "$ADMIN" $USERS; do
    pw="$u-pw"; [[ "$u" == "$ADMIN" ]] && pw=$ADMIN_PW
    printf '%s' "$pw" | "$SASLPASSWD2" -p -c -f "$CYRUS_DIR/sasldb2" -u "$CYRUS_IP" "$u"
  done
  chmod 640 "$CYRUS_DIR/sasldb2" "$CYRUS_CONF"
  chown -R cyrus:mail "$CYRUS_DIR"
  # Debian's /etc/services lacks lmtp: give master a private copy with it (a private mount namespace)
  cp /etc/services "$CYRUS_DIR/services"
  grep -q -E '^lmtp[[:space:]]' "$CYRUS_DIR/services" || printf 'lmtp\t\t24/tcp\n' >>"$CYRUS_DIR/services"
  master_cmd=("$CYRUS_BIN/master" -C "$CYRUS_CONF" -M "$CYRUS_DIR/cyrus.conf" -p "$CYRUS_DIR/run/master.pid" -D)
  if unshare --mount --propagation private /bin/sh -c 'mount --bind /etc/services /etc/services' 2>/dev/null; then
    # unshare and sh exec master: $! is master's pid
    unshare --mount --propagation private /bin/sh -c 'mount --bind "$0" /etc/services && exec "$@"' \
      "$CYRUS_DIR/services" "${master_cmd[@]}" >>"$CYRUS_DIR/master.log" 2>&1 </dev/null &
  else
    "${master_cmd[@]}" >>"$CYRUS_DIR/master.log" 2>&1 </dev/null &
  fi
  CYRUS_PID=$!
  for _ in $(seq 1 60); do
    kill -0 "$CYRUS_PID" 2>/dev/null || die "Cyrus master exited; see $CYRUS_DIR/master.log"
    banner "$CYRUS_IP" "$CYRUS_IMAP" "* OK" 2>/dev/null && banner "$CYRUS_IP" "$CYRUS_LMTP" "220 " 2>/dev/null && break
    sleep 0.5
  done
  banner "$CYRUS_IP" "$CYRUS_IMAP" "* OK" 2>/dev/null || die "Cyrus imapd does not answer on $CYRUS_IP:$CYRUS_IMAP; see $CYRUS_DIR/master.log"
  say "Cyrus master pid $CYRUS_PID up: imapd $CYRUS_IP:$CYRUS_IMAP, lmtpd $CYRUS_IP:$CYRUS_LMTP"
  PROVENANCE+="Cyrus: Debian $(dpkg-query -W -f '${Package} ${Version}' cyrus-imapd 2>/dev/null || echo cyrus-imapd), "
  PROVENANCE+="configuration in \`bench/target/cyrus\` (imapd -U 30 prefork=0, lmtpd on TCP with AUTH, sasldb, no murder)."$'\n'
  rm -f "$CYRUS_PROPS"
  snap=$(cpu_snapshot)
  run_bench measure cyrus "$CYRUS_IP" "$CYRUS_IMAP" "$CYRUS_LMTP" "$ADMIN" "$ADMIN_PW" "$CYRUS_PROPS" \
    "idle=$CYRUS_IDLE" "procs-matching=-C $CYRUS_CONF" "hup-pid=$CYRUS_PID" "$@" || rc=$?
  PROVENANCE+="Cyrus: CPU steal while measured: $(steal_since "$snap") %."$'\n'
  if [[ $MODE == db ]] && command -v strace >/dev/null; then
    PROVENANCE+="Cyrus: one LMTP delivery after the run made $(lmtp_fsyncs "$CYRUS_PID" "$CYRUS_IP" "$CYRUS_LMTP" "$TARGET/cyrus-lmtp.strace") fsync/fdatasync calls (strace -f of its master and children, \`bench/target/cyrus-lmtp.strace\`)."$'\n'
  fi
  stop_cyrus
fi

# ---------------------------------------------------------------- 3. the report
OUT="$RESULTS/$MODE-$(date +%Y-%m-%d).md"
[[ -e "$OUT" ]] && OUT="$RESULTS/$MODE-$(date +%Y-%m-%d-%H%M%S).md"
REPORT=report
[[ $MODE == memory ]] && REPORT=memory-report
[[ $MODE == lmtp-selected ]] && REPORT=lmtp-selected-report
if [[ $MODE == sort ]]; then
  java -cp "$CP" org.murder.bench.SortBench report "$OURS_PROPS" "$CYRUS_PROPS" "$OUT" || rc=$?
elif [[ $MODE == db ]]; then
  java -cp "$CP" org.murder.bench.BackendBench db-report "$OURS_PROPS" "$OURS_PG_PROPS" "$OURS_NOFSYNC_PROPS" "$CYRUS_PROPS" "$OUT" || rc=$?
else
  java -cp "$CP" org.murder.bench.BackendBench "$REPORT" "$OURS_PROPS" "$CYRUS_PROPS" "$OUT" || rc=$?
fi
if [[ -f "$OUT" ]]; then
  printf '\n%s' "$PROVENANCE" >>"$OUT"
  say "results: $OUT"
fi
exit "$rc"
