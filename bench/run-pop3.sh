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
# bench/lib.sh's, with pop3d added.)
#
# Environment: BENCH_SKIP_BUILD=1 never builds; BENCH_ONLY=ours|cyrus measures one side; BENCH_PORT_BASE (22000);
# BENCH_LOCK (/tmp/murder-it.lock): each side holds it (flock) only while its servers run.
set -euo pipefail

source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
ONLY=${BENCH_ONLY:-both}
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

[[ $(id -u) == 0 ]] || die "run as root: Cyrus binds ports 110, 143, 24 and 3905 and switches to user cyrus"
case "$ONLY" in both|ours|cyrus) ;; *) die "BENCH_ONLY must be both, ours or cyrus" ;; esac
if [[ "$ONLY" != ours ]]; then
  [[ -x "$CYRUS_BIN/master" && -x "$CYRUS_BIN/mupdate" && -x "$CYRUS_BIN/pop3d" && -x "$SASLPASSWD2" ]] \
    || die "needs Debian's cyrus-imapd, cyrus-pop3d, cyrus-murder and sasl2-bin"
  id cyrus >/dev/null 2>&1 || die "no user cyrus"
fi

build_if_needed
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

client() { run_client 512m Pop3Bench "$@"; }
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
  start_topology bench_settings
  add_users be1 $USERS
  PROVENANCE+="Ours: $(ours_provenance)"
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
cyrus_services() { # ROLE CONF IP
  [[ $1 == master ]] && return 0
  echo "  pop3 cmd=\"$CYRUS_BIN/pop3d -C $2 -U 30\" listen=\"$3:110\" proto=\"tcp4\" prefork=0 maxchild=200"
  echo "  imap cmd=\"$CYRUS_BIN/imapd -C $2 -U 30\" listen=\"$3:143\" proto=\"tcp4\" prefork=0 maxchild=50"
  [[ $1 == backend ]] && echo "  lmtp cmd=\"$CYRUS_BIN/lmtpd -C $2\" listen=\"$3:24\" proto=\"tcp4\" prefork=0 maxchild=20"
  return 0
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
OUT="$RESULTS/pop3-$(date +%Y-%m-%d-%H%M%S).md"
java -cp "$CP" org.murder.bench.Pop3Bench report "$OUT" "$RUN" >/dev/null || rc=$?
if [[ -f "$OUT" ]]; then
  printf '\n## Provenance\n\n%s' "$PROVENANCE" >>"$OUT"
  [[ "$ONLY" == both ]] || printf '\nOnly %s measured in this run; the other side'"'"'s figures are from the last run in bench/target/pop3-run.\n' "$ONLY" >>"$OUT"
  cat "$OUT"
  say "results: $OUT"
fi
exit "$rc"
