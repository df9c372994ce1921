# Shared by the bench/run*.sh scripts (sourced, never run): paths, messages, the build, ports and greetings, the
# lock the tests share, clean-up of the client and the servers, provenance lines, and a Cyrus murder of
# Debian's packages on loopback addresses (mupdate master, backend, frontend).
# shellcheck shell=bash

BENCH=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(dirname "$BENCH")
TARGET="$BENCH/target"
VERSION=0.1.0-SNAPSHOT
BENCH_JAR="$TARGET/murder-bench-$VERSION.jar"
PROTOCOL_JAR="$ROOT/protocol/target/murder-protocol-$VERSION.jar"
EAR="$ROOT/ear/target/murder.ear"
WF="$ROOT/ear/target/wildfly-39.0.1.Final"
CP="$BENCH_JAR:$PROTOCOL_JAR"
CYRUS_BIN=/usr/lib/cyrus/bin
SASLPASSWD2=/usr/sbin/saslpasswd2
LOCK=${BENCH_LOCK:-/tmp/murder-it.lock}
# where results files go; a smoke test of a script points it elsewhere, so that bench/results keeps real runs only
RESULTS=${BENCH_RESULTS:-$BENCH/results}

die() { echo "bench: $*" >&2; exit 1; }
say() { echo "bench: [$(date +%T)] $*"; }

# ---------------------------------------------------------------- the build (only when something is missing or stale)
needs_build() {
  [[ -f "$EAR" && -x "$WF/bin/standalone.sh" && -f "$BENCH_JAR" && -f "$PROTOCOL_JAR" ]] || return 0
  local newer
  newer=$(find "$ROOT/pom.xml" "$ROOT"/{protocol,connector,ejb,web,jms-config,ear} -path '*/target' -prune \
               -o -type f -newer "$EAR" -print -quit 2>/dev/null || true)
  [[ -n "$newer" ]] && return 0
  newer=$(find "$BENCH/pom.xml" "$BENCH/src" "$ROOT/protocol/src" -type f -newer "$BENCH_JAR" -print -quit 2>/dev/null || true)
  [[ -n "$newer" ]]
}
build_if_needed() { # BENCH_SKIP_BUILD=1 never builds
  if [[ "${BENCH_SKIP_BUILD:-0}" != 1 ]] && needs_build; then
    say "building: mvn -B -q -DskipTests package -pl ear,bench -am"
    (cd "$ROOT" && mvn -B -q -DskipTests package -pl ear,bench -am) || die "build failed"
  fi
  [[ -f "$BENCH_JAR" && -f "$PROTOCOL_JAR" ]] || die "missing $BENCH_JAR or $PROTOCOL_JAR"
}

# ---------------------------------------------------------------- ports and greetings
port_open() { (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; }   # HOST PORT
banner() ( # IP PORT PREFIX: whether a connection gets a greeting starting with PREFIX (a subshell)
  exec 3<>"/dev/tcp/$1/$2" || exit 1
  IFS= read -r -t 3 line <&3 || exit 1
  [[ "$line" == "$3"* ]]
)

# ---------------------------------------------------------------- the lock the ITs and benchmarks share
LOCK_FD=""
lock() { exec {LOCK_FD}>"$LOCK"; say "waiting for $LOCK"; flock "$LOCK_FD"; say "holding $LOCK"; }
unlock() { if [[ -n "$LOCK_FD" ]]; then flock -u "$LOCK_FD"; exec {LOCK_FD}>&-; LOCK_FD=""; say "released $LOCK"; fi; }

# ---------------------------------------------------------------- the client JVM
BENCH_PID=""
# run_client HEAP MAIN ARGS...: in the background, so that a signal reaches the caller's trap at once
run_client() {
  local heap=$1 main=$2
  shift 2
  java -Xms128m "-Xmx$heap" -cp "$CP" "org.murder.bench.$main" "$@" &
  BENCH_PID=$!
  local rc=0
  wait "$BENCH_PID" || rc=$?
  BENCH_PID=""
  return "$rc"
}
stop_client() {
  if [[ -n "$BENCH_PID" ]] && kill -0 "$BENCH_PID" 2>/dev/null; then
    kill "$BENCH_PID" 2>/dev/null || true   # its shutdown hook ends its idle-clients child
    for _ in 1 2 3 4 5 6 7 8 9 10; do kill -0 "$BENCH_PID" 2>/dev/null || break; sleep 1; done
    kill -9 "$BENCH_PID" 2>/dev/null || true
  fi
  BENCH_PID=""
}

# ---------------------------------------------------------------- what was measured
ours_provenance() { # the EAR ./murder deploys and the state of the working tree, as one phrase
  local p head dirty
  p="\`ear/target/murder.ear\` built $(date -u -r "$EAR" '+%Y-%m-%d %H:%M:%S UTC')"
  if head=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null); then
    dirty=$(git -C "$ROOT" status --porcelain --untracked-files=no -- . ':!bench' 2>/dev/null | wc -l)
    p+=", git $head"
    (( dirty == 0 )) || p+=" with $dirty modified tracked files outside bench/"
  fi
  echo "$p"
}
log_errors() { # FILE FROM_LINE: how many ERROR/SEVERE lines were logged after FROM_LINE (the log may have rotated)
  local f=$1 from=$2
  [[ -f "$f" ]] || { echo 0; return; }
  (( $(wc -l <"$f") < from )) && from=0
  tail -n +"$((from + 1))" "$f" | grep -c -E ' (ERROR|SEVERE) ' || true
}

# ---------------------------------------------------------------- our discrete topology (./murder start --topology)
TOPO_STARTED=0
stop_topology() { if (( TOPO_STARTED )); then "$ROOT/murder" stop || true; TOPO_STARTED=0; fi; }
# start_topology SETTINGS_FN: starts the discrete topology of MURDER_VAR; SETTINGS_FN adds the benchmark's settings
# to the nodes' files (it prints the nodes it changed: a topology made by this start is started again with them)
start_topology() {
  local settings=$1 t0=$SECONDS
  [[ -f "$TOPO/fe1/murder.conf" ]] && "$settings" >/dev/null
  TOPO_STARTED=1
  "$ROOT/murder" start --topology discrete
  if [[ -n "$("$settings")" ]]; then
    say "a new topology: its settings changed, starting it again"
    "$ROOT/murder" stop
    "$ROOT/murder" start --topology discrete
  fi
  say "topology up in $((SECONDS - t0)) s"
}
add_users() { # BACKEND USER...: each with password USER-pw; idempotent; a backend just started may answer 503 a while
  local be=$1 u try
  shift
  for u in "$@"; do
    for try in $(seq 1 20); do
      "$ROOT/murder" adduser "$u" "$u-pw" "$be" >/dev/null && break
      (( try < 20 )) || die "could not add $u"
      sleep 3
    done
  done
}

# ---------------------------------------------------------------- a Cyrus murder of Debian's packages
# The caller sets CYRUS_ROOT (one directory per server below it), C_ADMIN / C_ADMIN_PW (admin, MUPDATE and proxy
# identity), C_MASTER_IP, USERS (password USER-pw) and defines cyrus_services ROLE CONF IP, which prints the
# SERVICES lines of a server of that role besides the mupdate one.
declare -a CYRUS_PIDS=()
cyrus_pids() { # processes whose command line names one of the configurations below CYRUS_ROOT
  local d
  for d in /proc/[0-9]*; do
    if { tr '\0' ' ' <"$d/cmdline"; } 2>/dev/null | grep -q -F -- "-C $CYRUS_ROOT/"; then echo "${d#/proc/}"; fi
  done
}
stop_cyrus() {
  (( ${#CYRUS_PIDS[@]} )) || return 0
  local p others alive
  others=$(cyrus_pids)
  for p in "${CYRUS_PIDS[@]}"; do kill -TERM "$p" 2>/dev/null || true; done   # a master stops its children
  for _ in $(seq 1 20); do
    alive=0
    for p in "${CYRUS_PIDS[@]}"; do kill -0 "$p" 2>/dev/null && alive=1; done
    (( alive )) || break; sleep 0.5
  done
  others="$others $(cyrus_pids)"
  for p in "${CYRUS_PIDS[@]}" $others; do kill -KILL "$p" 2>/dev/null || true; done
  CYRUS_PIDS=()
  say "Cyrus stopped"
}
cyrus_conf() { # NAME IP ROLE (master, backend, frontend): writes $CYRUS_ROOT/NAME/{imapd.conf,cyrus.conf,sasldb2,services}
  local name=$1 ip=$2 role=$3 d="$CYRUS_ROOT/$1" conf="$CYRUS_ROOT/$1/imapd.conf" u pw
  local c="$d/conf"
  mkdir -p "$c"/{db,socket,proc,lock,log} "$d"/{spool,run,sieve,tmp}
  {
    echo "# written by bench/lib.sh for $(basename "$0"): Cyrus murder $role"
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
    echo "syslog_prefix: cyrus-$(basename "$0" .sh)-$name"
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
    echo "# written by bench/lib.sh for $(basename "$0")"
    echo "START {"
    echo "  recover cmd=\"$CYRUS_BIN/ctl_cyrusdb -C $conf -r\""
    echo "}"
    echo "SERVICES {"
    case $role in
      master) echo "  mupdate cmd=\"$CYRUS_BIN/mupdate -C $conf -m\" listen=\"$ip:3905\" proto=\"tcp4\" prefork=1" ;;
      frontend) echo "  mupdate cmd=\"$CYRUS_BIN/mupdate -C $conf\" listen=\"$ip:3905\" proto=\"tcp4\" prefork=1" ;;
    esac
    cyrus_services "$role" "$conf" "$ip"
    echo "}"
    echo "EVENTS {"
    echo "  checkpoint cmd=\"$CYRUS_BIN/ctl_cyrusdb -C $conf -c\" period=30"
    echo "}"
  } >"$d/cyrus.conf"
  for u in "$C_ADMIN" $USERS; do
    [[ $role == master && $u != "$C_ADMIN" ]] && continue
    pw="$u-pw"; [[ $u == "$C_ADMIN" ]] && pw=$C_ADMIN_PW
    printf '%s' "$pw" | "$SASLPASSWD2" -p -c -f "$d/sasldb2" -u "$ip" "$u"
  done
  chmod 640 "$d/sasldb2" "$conf"
  # Debian's /etc/services lacks lmtp and mupdate: master gets a private copy with them (a private mount namespace)
  cp /etc/services "$d/services"
  grep -q -E '^lmtp[[:space:]]' "$d/services" || printf 'lmtp\t\t24/tcp\n' >>"$d/services"
  grep -q -E '^mupdate[[:space:]]' "$d/services" || printf 'mupdate\t\t3905/tcp\n' >>"$d/services"
  grep -q -E '^pop3[[:space:]]' "$d/services" || printf 'pop3\t\t110/tcp\n' >>"$d/services"
  chown -R cyrus:mail "$d"
}
cyrus_start() { # NAME IP PORT:PREFIX...: starts NAME's master and waits until each port greets with its prefix
  local name=$1 ip=$2 d="$CYRUS_ROOT/$1" pid pp
  shift 2
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
