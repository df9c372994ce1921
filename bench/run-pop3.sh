#!/usr/bin/env bash
# POP3 benchmark, in one run: POP3 sessions per second (connect, USER/PASS, STAT, UIDL, RETR of 10 messages, QUIT)
# (a) directly against our backend, (b) through our frontend, (c) directly against Debian's Cyrus 3.6 pop3d on a
# backend, (d) through a Cyrus frontend's pop3d (the POP3 proxy) in front of it. Writes
# bench/results/pop3-<date>-<time>.md. Needs root (Cyrus binds 110, 143, 24, 3905 and runs as user cyrus) and
# Debian's cyrus-imapd, cyrus-pop3d, cyrus-murder and sasl2-bin.
#
#   bench/run-pop3.sh [key=value ...]     options of Pop3Bench measure, e.g. clients=8 session-seconds=20 messages=10 kb=4
#
# Ours: `./murder start --topology discrete` with MURDER_VAR=bench/target/pop3-var and MURDER_PORT_BASE=22000
# (master 220xx, be1 221xx, be2 222xx, fe1 223xx, fe2 224xx; POP3 on ..10). Cyrus: a mupdate master on
# 127.0.0.93:3905, a backend on 127.0.0.91 (pop3d 110, imapd 143, lmtpd 24), a frontend on 127.0.0.92 (mupdate slave,
# pop3d 110 as proxy), configurations under bench/target/pop3cyrus/{master,be,fe}. (The Cyrus murder's set-up is
# run-proxy.sh's, with pop3d added.)
#
# Environment: BENCH_SKIP_BUILD=1 never builds; BENCH_ONLY=ours|cyrus measures one side; BENCH_PORT_BASE (22000);
# BENCH_LOCK (/tmp/murder-it.lock): each side holds it (flock) only while its servers run.
set -euo pipefail

BENCH=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(dirname "$BENCH")
TARGET="$BENCH/target"
VERSION=0.1.0-SNAPSHOT
BENCH_JAR="$TARGET/murder-bench-$VERSION.jar"
PROTOCOL_JAR="$ROOT/protocol/target/murder-protocol-$VERSION.jar"
EAR="$ROOT/ear/target/murder.ear"
WF="$ROOT/ear/target/wildfly-39.0.1.Final"
CYRUS_BIN=/usr/lib/cyrus/bin
SASLPASSWD2=/usr/sbin/saslpasswd2
ONLY=${BENCH_ONLY:-both}
LOCK=${BENCH_LOCK:-/tmp/murder-it.lock}
RUN="$TARGET/pop3-run"
CLIENTS=8
for a in "$@"; do [[ $a == clients=* ]] && CLIENTS=${a#clients=}; done
USERS=""
for (( i = 0; i < CLIENTS; i++ )); do USERS+=" $(printf 'benchpop%02d' "$i")"; done

export MURDER_VAR="$TARGET/pop3-var"
export MURDER_PORT_BASE=${BENCH_PORT_BASE:-22000}
export MURDER_START_TIMEOUT=${MURDER_START_TIMEOUT:-600}
unset MURDER_HOME MURDER_CONF
TOPO="$MURDER_VAR/topology/discrete"
port() { echo $((MURDER_PORT_BASE + 100 * $1 + $2)); }   # node number (master 0, be1 1, be2 2, fe1 3, fe2 4), offset
BE1_POP3=$(port 1 10); BE1_LMTP=$(port 1 24); FE1_POP3=$(port 3 10)

C_MASTER_IP=127.0.0.93; C_BE_IP=127.0.0.91; C_FE_IP=127.0.0.92
CYRUS_ROOT="$TARGET/pop3cyrus"
C_ADMIN=bench; C_ADMIN_PW=bench-pw

die() { echo "bench: $*" >&2; exit 1; }
say() { echo "bench: [$(date +%T)] $*"; }

[[ $(id -u) == 0 ]] || die "run as root: Cyrus binds ports 110, 143, 24 and 3905 and switches to user cyrus"
case "$ONLY" in both|ours|cyrus) ;; *) die "BENCH_ONLY must be both, ours or cyrus" ;; esac
if [[ "$ONLY" != ours ]]; then
  [[ -x "$CYRUS_BIN/master" && -x "$CYRUS_BIN/mupdate" && -x "$CYRUS_BIN/pop3d" && -x "$SASLPASSWD2" ]] \
    || die "needs Debian's cyrus-imapd, cyrus-pop3d, cyrus-murder and sasl2-bin"
  id cyrus >/dev/null 2>&1 || die "no user cyrus"
fi

if [[ "${BENCH_SKIP_BUILD:-0}" != 1 ]]; then
  newer=""
  [[ -f "$EAR" && -f "$BENCH_JAR" ]] && newer=$(find "$ROOT"/{protocol,connector,ejb,web,ear,bench} -path '*/target' -prune \
      -o -type f -newer "$BENCH_JAR" -print -quit 2>/dev/null || true)
  if [[ ! -f "$EAR" || ! -f "$BENCH_JAR" || -n "$newer" ]]; then
    say "building: mvn -B -q -DskipTests package -pl ear,bench -am"
    (cd "$ROOT" && mvn -B -q -DskipTests package -pl ear,bench -am) || die "build failed"
  fi
fi
CP="$BENCH_JAR:$PROTOCOL_JAR"
mkdir -p "$TARGET" "$BENCH/results" "$RUN"
port_open() { (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; }

# ---------------------------------------------------------------- clean-up, whatever happens
BENCH_PID=""
TOPO_STARTED=0
declare -a CYRUS_PIDS=()
LOCK_FD=""
lock() { exec {LOCK_FD}>"$LOCK"; say "waiting for $LOCK"; flock "$LOCK_FD"; say "holding $LOCK"; }
unlock() { if [[ -n "$LOCK_FD" ]]; then flock -u "$LOCK_FD"; exec {LOCK_FD}>&-; LOCK_FD=""; say "released $LOCK"; fi; }
stop_client() {
  if [[ -n "$BENCH_PID" ]] && kill -0 "$BENCH_PID" 2>/dev/null; then
    kill "$BENCH_PID" 2>/dev/null || true
    sleep 2
    kill -9 "$BENCH_PID" 2>/dev/null || true
  fi
  BENCH_PID=""
}
stop_topology() { if (( TOPO_STARTED )); then "$ROOT/murder" stop || true; TOPO_STARTED=0; fi; }
cyrus_pids() {
  local d
  for d in /proc/[0-9]*; do
    if { tr '\0' ' ' <"$d/cmdline"; } 2>/dev/null | grep -q -F -- "-C $CYRUS_ROOT/"; then echo "${d#/proc/}"; fi
  done
}
stop_cyrus() {
  (( ${#CYRUS_PIDS[@]} )) || return 0
  local p others
  others=$(cyrus_pids)
  for p in "${CYRUS_PIDS[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  for _ in $(seq 1 20); do
    local alive=0
    for p in "${CYRUS_PIDS[@]}"; do kill -0 "$p" 2>/dev/null && alive=1; done
    (( alive )) || break; sleep 0.5
  done
  others="$others $(cyrus_pids)"
  for p in "${CYRUS_PIDS[@]}" $others; do kill -KILL "$p" 2>/dev/null || true; done
  CYRUS_PIDS=()
  say "Cyrus stopped"
}
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

client() {
  java -Xms128m -Xmx512m -cp "$CP" org.murder.bench.Pop3Bench "$@" &
  BENCH_PID=$!
  local rc=0
  wait "$BENCH_PID" || rc=$?
  BENCH_PID=""
  return "$rc"
}
jvm_of() { cat "$TOPO/$1/node/murder.pid"; }

PROVENANCE=""
rc=0

# ---------------------------------------------------------------- 1. ours: the discrete topology
if [[ "$ONLY" != cyrus ]]; then
  lock
  [[ -z "$(cat "$MURDER_VAR/topology/active" 2>/dev/null)" ]] || "$ROOT/murder" stop || true
  for n in 0 1 2 3 4; do for o in 5 10 24 43 80; do
    port_open 127.0.0.1 "$(port $n $o)" && die "port $(port $n $o) on 127.0.0.1 is already in use"
  done; done
  # PLAIN and LOGIN only on the servers, as Cyrus's sasl_mech_list below: the frontend logs in to the backend with
  # PLAIN, the same work on both sides (SCRAM would cost 4,096 PBKDF2 rounds a session on either side)
  bench_settings() {
    local n
    for n in master be1 be2; do
      grep -q '^sasl_mech_list:' "$TOPO/$n/murder.conf" || { printf '\n# bench/run-pop3.sh\nsasl_mech_list: PLAIN LOGIN\n' >>"$TOPO/$n/murder.conf"; echo "$n"; }
    done
  }
  [[ -f "$TOPO/fe1/murder.conf" ]] && bench_settings >/dev/null
  t0=$SECONDS
  TOPO_STARTED=1
  "$ROOT/murder" start --topology discrete
  if [[ -n "$(bench_settings)" ]]; then
    say "a new topology: its settings changed, starting it again"
    "$ROOT/murder" stop
    "$ROOT/murder" start --topology discrete
  fi
  say "topology up in $((SECONDS - t0)) s"
  for u in $USERS; do
    for try in $(seq 1 20); do
      "$ROOT/murder" adduser "$u" "$u-pw" be1 >/dev/null && break
      (( try < 20 )) || die "could not add $u"
      sleep 3
    done
  done
  PROVENANCE+="Ours: \`ear/target/murder.ear\` built $(date -u -r "$EAR" '+%Y-%m-%d %H:%M:%S UTC')"
  if head=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null); then
    dirty=$(git -C "$ROOT" status --porcelain --untracked-files=no -- . ':!bench' 2>/dev/null | wc -l)
    PROVENANCE+=", git $head"
    (( dirty == 0 )) || PROVENANCE+=" with $dirty modified tracked files outside bench/"
  fi
  PROVENANCE+="; the discrete topology (\`MURDER_VAR=bench/target/pop3-var MURDER_PORT_BASE=$MURDER_PORT_BASE\`), every node a WildFly JVM; "
  PROVENANCE+="be1 with \`popuseimapflags\` on (our default: QUIT sets \\\\Seen on what was retrieved, a transaction per session when anything changed), Cyrus with its default (off)."$'\n'
  CPU_PIDS="cpu-pids=be1:$(jvm_of be1),fe1:$(jvm_of fe1)"
  say "ours, direct to be1 (POP3 $BE1_POP3)"
  client measure ours-direct 127.0.0.1 "$BE1_POP3" "127.0.0.1:$BE1_LMTP" "$RUN/ours-direct.properties" "$CPU_PIDS" "$@" || rc=$?
  say "ours, through fe1 (POP3 $FE1_POP3)"
  client measure ours-fe 127.0.0.1 "$FE1_POP3" "127.0.0.1:$BE1_LMTP" "$RUN/ours-fe.properties" phases=warmup,sessions "$CPU_PIDS" "$@" || rc=$?
  stop_topology
  unlock
fi

# ---------------------------------------------------------------- 2. Cyrus: mupdate master, backend, frontend
cyrus_conf() { # NAME IP ROLE
  local name=$1 ip=$2 role=$3 d="$CYRUS_ROOT/$1" conf="$CYRUS_ROOT/$1/imapd.conf" u
  local c="$d/conf"
  mkdir -p "$c"/{db,socket,proc,lock,log} "$d"/{spool,run,sieve,tmp}
  {
    echo "# written by bench/run-pop3.sh: Cyrus murder $role"
    echo "configdirectory: $c"
    echo "defaultpartition: default"
    echo "partition-default: $d/spool"
    echo "servername: $ip"
    echo "admins: $C_ADMIN"
    echo "allowplaintext: yes"
    echo "altnamespace: no"
    echo "unixhierarchysep: no"
    echo "lmtp_downcase_rcpt: yes"
    echo "sasl_pwcheck_method: auxprop"
    echo "sasl_auxprop_plugin: sasldb"
    echo "sasl_sasldb_path: $d/sasldb2"
    echo "sasl_mech_list: PLAIN LOGIN"
    echo "proc_path: $c/proc"
    echo "mboxname_lockpath: $c/lock"
    echo "lmtpsocket: $c/socket/lmtp"
    echo "idlesocket: $c/socket/idle"
    echo "notifysocket: $c/socket/notify"
    echo "sievedir: $d/sieve"
    echo "temp_path: $d/tmp"
    echo "syslog_prefix: cyrus-pop3bench-$name"
    echo "master_bind_errors_fatal: yes"
    if [[ $role != master ]]; then
      echo "mupdate_server: $C_MASTER_IP:3905"
      echo "mupdate_port: 3905"
      echo "mupdate_username: $C_ADMIN"
      echo "mupdate_authname: $C_ADMIN"
      echo "mupdate_password: $C_ADMIN_PW"
      echo "proxy_authname: $C_ADMIN"
      echo "proxy_password: $C_ADMIN_PW"
    fi
    if [[ $role == backend ]]; then echo "proxyservers: $C_ADMIN"; fi
  } >"$conf"
  {
    echo "# written by bench/run-pop3.sh"
    echo "START {"
    echo "  recover cmd=\"$CYRUS_BIN/ctl_cyrusdb -C $conf -r\""
    echo "}"
    echo "SERVICES {"
    case $role in
      master) echo "  mupdate cmd=\"$CYRUS_BIN/mupdate -C $conf -m\" listen=\"$ip:3905\" proto=\"tcp4\" prefork=1" ;;
      frontend) echo "  mupdate cmd=\"$CYRUS_BIN/mupdate -C $conf\" listen=\"$ip:3905\" proto=\"tcp4\" prefork=1" ;;
    esac
    if [[ $role != master ]]; then
      echo "  pop3 cmd=\"$CYRUS_BIN/pop3d -C $conf -U 30\" listen=\"$ip:110\" proto=\"tcp4\" prefork=0 maxchild=200"
      echo "  imap cmd=\"$CYRUS_BIN/imapd -C $conf -U 30\" listen=\"$ip:143\" proto=\"tcp4\" prefork=0 maxchild=50"
    fi
    if [[ $role == backend ]]; then
      echo "  lmtp cmd=\"$CYRUS_BIN/lmtpd -C $conf\" listen=\"$ip:24\" proto=\"tcp4\" prefork=0 maxchild=20"
    fi
    echo "}"
    echo "EVENTS {"
    echo "  checkpoint cmd=\"$CYRUS_BIN/ctl_cyrusdb -C $conf -c\" period=30"
    echo "}"
  } >"$d/cyrus.conf"
  for u in "$C_ADMIN" $USERS; do
    [[ $role == master && $u != "$C_ADMIN" ]] && continue
    local pw="$u-pw"; [[ $u == "$C_ADMIN" ]] && pw=$C_ADMIN_PW
    printf '%s' "$pw" | "$SASLPASSWD2" -p -c -f "$d/sasldb2" -u "$ip" "$u"
  done
  chmod 640 "$d/sasldb2" "$conf"
  cp /etc/services "$d/services"
  grep -q -E '^lmtp[[:space:]]' "$d/services" || printf 'lmtp\t\t24/tcp\n' >>"$d/services"
  grep -q -E '^mupdate[[:space:]]' "$d/services" || printf 'mupdate\t\t3905/tcp\n' >>"$d/services"
  grep -q -E '^pop3[[:space:]]' "$d/services" || printf 'pop3\t\t110/tcp\n' >>"$d/services"
  chown -R cyrus:mail "$d"
}
banner() ( # IP PORT PREFIX
  exec 3<>"/dev/tcp/$1/$2" || exit 1
  IFS= read -r -t 3 line <&3 || exit 1
  [[ "$line" == "$3"* ]]
)
cyrus_start() { # NAME IP PORT:PREFIX...
  local name=$1 ip=$2 d="$CYRUS_ROOT/$1" pid pp; shift 2
  unshare --mount --propagation private /bin/sh -c 'mount --bind "$0" /etc/services && exec "$@"' \
    "$d/services" "$CYRUS_BIN/master" -C "$d/imapd.conf" -M "$d/cyrus.conf" -p "$d/run/master.pid" -D \
    >>"$d/master.log" 2>&1 </dev/null &
  pid=$!
  CYRUS_PIDS+=("$pid")
  for pp in "$@"; do
    for _ in $(seq 1 120); do
      kill -0 "$pid" 2>/dev/null || die "Cyrus $name's master exited; see $d/master.log"
      banner "$ip" "${pp%%:*}" "${pp#*:}" 2>/dev/null && break
      sleep 0.5
    done
    banner "$ip" "${pp%%:*}" "${pp#*:}" 2>/dev/null || die "Cyrus $name does not answer on $ip:${pp%%:*}; see $d/master.log"
  done
  say "Cyrus $name (master pid $pid) up on $ip"
}

if [[ "$ONLY" != ours ]]; then
  lock
  [[ -z "$(cyrus_pids)" ]] || die "Cyrus processes of $CYRUS_ROOT are still running: $(cyrus_pids | tr '\n' ' ')"
  for ipp in "$C_MASTER_IP:3905" "$C_BE_IP:110" "$C_BE_IP:143" "$C_BE_IP:24" "$C_FE_IP:110" "$C_FE_IP:143" "$C_FE_IP:3905"; do
    port_open "${ipp%:*}" "${ipp#*:}" && die "port $ipp is already in use"
  done
  cyrus_conf master "$C_MASTER_IP" master
  cyrus_conf be "$C_BE_IP" backend
  cyrus_conf fe "$C_FE_IP" frontend
  cyrus_start master "$C_MASTER_IP" "3905:* AUTH"
  cyrus_start be "$C_BE_IP" "110:+OK" "143:* OK" "24:220 "
  cyrus_start fe "$C_FE_IP" "3905:* AUTH" "110:+OK" "143:* OK"
  PROVENANCE+="Cyrus: Debian $(dpkg-query -W -f '${Package} ${Version}' cyrus-pop3d 2>/dev/null || echo cyrus-pop3d), "
  PROVENANCE+="a murder of its own (\`bench/target/pop3cyrus\`): mupdate master $C_MASTER_IP:3905, backend $C_BE_IP (pop3d -U 30 prefork=0), "
  PROVENANCE+="frontend $C_FE_IP (mupdate slave, pop3d as the POP3 proxy); sasldb; sasl_mech_list PLAIN LOGIN."$'\n'
  say "Cyrus, direct to its backend ($C_BE_IP)"
  client measure cyrus-direct "$C_BE_IP" 110 "$C_BE_IP:24" "$RUN/cyrus-direct.properties" "create-as=$C_ADMIN:$C_ADMIN_PW" \
    "lmtp-auth=$C_ADMIN:$C_ADMIN_PW" "$@" || rc=$?
  say "Cyrus, through its frontend ($C_FE_IP)"
  client measure cyrus-fe "$C_FE_IP" 110 "$C_BE_IP:24" "$RUN/cyrus-fe.properties" phases=warmup,sessions "$@" || rc=$?
  stop_cyrus
  unlock
fi

# ---------------------------------------------------------------- 3. the report
OUT="$BENCH/results/pop3-$(date +%Y-%m-%d-%H%M%S).md"
java -cp "$CP" org.murder.bench.Pop3Bench report "$OUT" "$RUN" >/dev/null || rc=$?
if [[ -f "$OUT" ]]; then
  printf '\n## Provenance\n\n%s' "$PROVENANCE" >>"$OUT"
  [[ "$ONLY" == both ]] || printf '\nOnly %s measured in this run; the other side'"'"'s figures are from the last run in bench/target/pop3-run.\n' "$ONLY" >>"$OUT"
  cat "$OUT"
  say "results: $OUT"
fi
exit "$rc"
