#!/usr/bin/env bash
# Move benchmark (issue 10): a user's INBOX of 100,000 messages on be1 moved to be2 by
# `RENAME user.benchmove user.benchmove be2!default` sent to fe1, while a client keeps delivering to that user
# through fe1's LMTP (each 4xx retried until its 250). Measures the move's time and rate, how long the mailbox was
# frozen (deliveries deferred with 4xx: how many, the longest wait), and checks on be2 afterwards: UIDVALIDITY kept,
# 100,000 + every delivery answered 250 there exactly once, the master's entry at be2, nothing left on be1.
# Writes bench/results/move-<date>-<time>.md (every run its own file). Ours only: Cyrus 3.6 has no peer for a move
# between two of our backends.
#
#   bench/run-move.sh [key=value ...]     options of MoveBench, e.g. messages=100000 bytes=1000 clients=8 interval-ms=50
#
# The discrete topology (`./murder start --topology discrete`) with MURDER_VAR=bench/target/move-var and
# MURDER_PORT_BASE=25000 (master 250xx, be1 251xx, be2 252xx, fe1 253xx; fe2 is stopped once up), created afresh
# for each run (the mailbox must start on be1); every node with the single node's heap (java_heap: 512m).
#
# Environment: BENCH_SKIP_BUILD=1 never builds; BENCH_PORT_BASE (25000); BENCH_LOCK (/tmp/murder-it.lock), held
# (flock) while the topology runs.
set -euo pipefail

source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
USER_NAME=benchmove
ADMIN=admin; ADMIN_PW=admin-pw   # add_users gives USER the password USER-pw

export MURDER_VAR="$TARGET/move-var"
export MURDER_PORT_BASE=${BENCH_PORT_BASE:-25000}
export MURDER_START_TIMEOUT=${MURDER_START_TIMEOUT:-600}
unset MURDER_HOME MURDER_CONF
TOPO="$MURDER_VAR/topology/discrete"
port() { echo $((MURDER_PORT_BASE + 100 * $1 + $2)); }   # node number (master 0, be1 1, be2 2, fe1 3, fe2 4), offset
MASTER_HTTP=$(port 0 80)
BE1_IMAP=$(port 1 43); BE1_LMTP=$(port 1 24)
BE2_IMAP=$(port 2 43); BE2_HTTP=$(port 2 80)
FE1_IMAP=$(port 3 43); FE1_LMTP=$(port 3 24)
NODES="master be1 be2 fe1"

build_if_needed
mkdir -p "$TARGET" "$RESULTS"

# ---------------------------------------------------------------- clean-up, whatever happens
cleanup() {
  local rc=$?
  trap - EXIT
  stop_client
  stop_topology
  unlock
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

jvm_of() { cat "$TOPO/$1/node/murder.pid"; }
node_errors() { log_errors "$TOPO/$1/node/log/server.log" 0; }   # the topology is new each run

lock
if [[ -d "$MURDER_VAR" ]]; then
  [[ -z "$(cat "$MURDER_VAR/topology/active" 2>/dev/null)" ]] || "$ROOT/murder" stop || true
  say "a fresh topology: removing $MURDER_VAR"
  rm -rf "$MURDER_VAR"
fi
for n in 0 1 2 3 4; do for o in 5 10 24 43 80; do
  port_open 127.0.0.1 "$(port $n $o)" && die "port $(port $n $o) on 127.0.0.1 is already in use"
done; done
t0=$SECONDS
TOPO_STARTED=1
# every node gets the single node's heap (512m; the topology's default is 320m): the backends hold the
# 100,000-message index, and one setting for all keeps the run simple to describe
MURDER_TOPOLOGY_HEAP=512m "$ROOT/murder" start --topology discrete
"$ROOT/murder" stop fe2 >/dev/null
say "topology up in $((SECONDS - t0)) s (fe2 stopped)"
NODE_PW=$(sed -n -E 's/^node_password:[[:space:]]*(.*)$/\1/p' "$TOPO/topology.conf")
add_users be1 "$USER_NAME" "$ADMIN"

PROVENANCE="$(ours_provenance)"
PROVENANCE+="; the discrete topology (\`MURDER_VAR=bench/target/move-var MURDER_PORT_BASE=$MURDER_PORT_BASE\`, created for this run, fe2 stopped), every node a WildFly JVM on $(nproc) cores: "
for n in $NODES; do
  PROVENANCE+="$n $(tr '\0' '\n' <"/proc/$(jvm_of "$n")/cmdline" | grep -E '^-Xm[sx]' | tr '\n' ' ')"
  [[ $n == fe1 ]] || PROVENANCE+=", "
done
PROVENANCE+="; each node's database is its embedded H2 file (the topology's default), written but not fsynced per commit; "
PROVENANCE+="be1 fsyncs each delivered message file and its directory before the commit and the 250, be2 each imported message file before a batch's commit (docs/backend.md, docs/moves.md); "
PROVENANCE+="the move's settings are the defaults (\`move_batch\` 100, \`move_live_passes\` 5, \`move_quiet_pass\` 100)."

OUT="$RESULTS/move-$(date +%Y-%m-%d-%H%M%S).md"
say "MoveBench: $USER_NAME on be1 → be2 through fe1"
rc=0
run_client 1g MoveBench 127.0.0.1 "$FE1_IMAP" "$FE1_LMTP" "$BE1_IMAP" "$BE1_LMTP" \
  "$BE2_IMAP" "$BE2_HTTP" "$MASTER_HTTP" "$ADMIN:$ADMIN_PW" "murder-node:$NODE_PW" "$OUT" "user=$USER_NAME" "$@" || rc=$?

ERRORS=""
for n in $NODES; do ERRORS+=" $n $(node_errors "$n")"; done
# be1's spool directory of the moved mailbox: the release removes it (its id is in the log's release line, if any)
RELEASE=$(grep -h -E 'MURDER-MOVE' "$TOPO/be1/node/log/server.log" 2>/dev/null | tail -n 3 | cut -c1-300 || true)
# the frozen window as the source saw it: its log's "frozen" line (MURDER-MOVE-010) to its "released" (-012)
ms_of() { local t; t=$(cut -c1-23 <<<"$1" | tr ',' '.'); date -u -d "$t" +%s%3N 2>/dev/null || echo ""; }
FROZE=$(ms_of "$(grep -h 'MURDER-MOVE-010' "$TOPO/be1/node/log/server.log" 2>/dev/null | tail -n 1)")
FREED=$(ms_of "$(grep -h 'MURDER-MOVE-012' "$TOPO/be1/node/log/server.log" 2>/dev/null | tail -n 1)")
FROZEN_NOTE="be1's log has no freeze and release of the move"
if [[ -n "$FROZE" && -n "$FREED" ]]; then
  FROZEN_NOTE="be1 (the source) was frozen for $(awk -v a="$FROZE" -v z="$FREED" 'BEGIN { printf "%.3f", (z - a) / 1000 }') s: from its freeze (MURDER-MOVE-010) to its release (MURDER-MOVE-012), which comes after be2's ACTIVATE (the mailbox served by be2 from then on)"
fi
stop_topology
unlock
if [[ -f "$OUT" ]]; then
  {
    printf '\n## Provenance\n\n%s\n\n' "$PROVENANCE"
    printf '%s.\n\n' "$FROZEN_NOTE"
    printf 'ERROR/SEVERE lines the nodes logged during the run:%s.\n' "$ERRORS"
    [[ -z "$RELEASE" ]] || printf '\nbe1'"'"'s last move lines:\n\n```\n%s\n```\n' "$RELEASE"
    printf '\nNo Cyrus figure: a move between two of our backends has no Cyrus peer to compare with (Debian'"'"'s Cyrus 3.6 '
    printf 'refuses that RENAME here), so this measures ours alone.\n'
  } >>"$OUT"
  cat "$OUT"
  say "results: $OUT"
else
  say "no results file (the client failed before writing it: rc=$rc)"
fi
exit "$rc"
