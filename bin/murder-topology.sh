# Sourced by ./murder: several nodes of one murder on this host, each a WildFly process of its own with its own
# settings file and node directory, all run by ./murder itself (one child ./murder per node, with MURDER_HOME and
# MURDER_CONF set, so each node gets the single-node launcher's honest start, stop and status).
#
#   $TOPO_ROOT/active               the topology that runs (its name), while it runs
#   $TOPO_ROOT/<kind>/topology.conf  nodes, port base and the murder's generated secrets (0600)
#   $TOPO_ROOT/<kind>/<node>/murder.conf, <node>/node/
#   $TOPO_ROOT/<kind>/placement.cursor  the round-robin placement's next backend
#
# docs/topologies.md has the layout, the port table and the settings of each role.

TOPO_ROOT="$VAR/topology"
TOPO_ACTIVE="$TOPO_ROOT/active"
NODE_USER=murder-node # the identity nodes and the launcher use towards each other (REST, MUPDATE): an admin everywhere
PROXY_USER=murderproxy
TOPOLOGY_HEAP=${MURDER_TOPOLOGY_HEAP:-320m}

# ---------------------------------------------------------------- the shape of a topology

topology_nodes() {
  case $1 in
    discrete) echo "master be1 be2 fe1 fe2" ;;
    unified) echo "master n1 n2" ;;
    *) die "unknown topology '$1' (discrete or unified)" ;;
  esac
}

# The roles of node $2 of topology $1.
topology_roles() {
  case $1:$2 in
    *:master) echo master ;;
    discrete:be*) echo backend ;;
    discrete:fe*) echo frontend ;;
    unified:n*) echo "frontend backend" ;;
  esac
}

has_role() { [[ " $(topology_roles "$1" "$2") " == *" $3 "* ]]; }

# The nodes of topology $1 with role $2.
nodes_with_role() {
  local n
  for n in $(topology_nodes "$1"); do has_role "$1" "$n" "$2" && echo "$n"; done
}

# Ports: node number i of the topology (0 = master) owns base + 100*i .. +99; the last two digits say which
# service, as in the well-known ports where they can (IMAP ..43, LMTP ..24, POP3 ..10, HTTP ..80).
declare -A PORT_OFFSET=(
  [mupdate]=5 [pop3]=10 [txn_recovery]=12 [txn_status]=13 [lmtp]=24 [iiop]=28 [iiop_ssl]=29
  [imap]=43 [http]=80 [https]=88 [management]=90 [management_https]=93
)

# Port $3 (a key of PORT_OFFSET) of node $2 in topology $1, from the base recorded in topology.conf.
node_port() {
  local kind=$1 node=$2 i=0 n base
  base=$(topo_setting "$kind" port_base)
  for n in $(topology_nodes "$kind"); do
    [[ $n == "$node" ]] && break
    i=$((i + 1))
  done
  echo $((base + 100 * i + PORT_OFFSET[$3]))
}

kind_dir() { echo "$TOPO_ROOT/$1"; }
node_dir() { echo "$TOPO_ROOT/$1/$2"; }
node_conf() { echo "$TOPO_ROOT/$1/$2/murder.conf"; }
node_users() { echo "$TOPO_ROOT/$1/$2/node/configuration/murder-users.properties"; }

topo_setting() {
  local v
  v=$(sed -n -E "s/^$2:[[:space:]]*(.*[^[:space:]])[[:space:]]*$/\1/p" "$(kind_dir "$1")/topology.conf" 2>/dev/null | tail -n 1)
  echo "$v"
}

# A setting of node $2's own settings file.
node_setting() { (CONF=$(node_conf "$1" "$2"); setting "$3" "${4:-}"); }

active_topology() { cat "$TOPO_ACTIVE" 2>/dev/null || true; }

random_secret() { head -c 24 /dev/urandom | base64 | tr -d '/+=\n'; }

# ---------------------------------------------------------------- creating a topology's files

# topology.conf of a new topology: its nodes, its port base, and the secrets every node's settings share.
create_topology() {
  local kind=$1 base=${MURDER_PORT_BASE:-30000}
  [[ $base =~ ^[0-9]+$ ]] && (( base >= 1024 && base + 100 * $(wc -w <<<"$(topology_nodes "$kind")") <= 65536 )) \
    || die "MURDER_PORT_BASE=$base: the nodes need base .. base+$((100 * $(wc -w <<<"$(topology_nodes "$kind")") - 1)) within 1024..65535"
  # a listener port inside the kernel's range for outgoing connections may be taken, by chance, by any client's
  # connection (the nodes' own among them) just before its node binds it
  local lo hi
  read -r lo hi </proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || { lo=32768; hi=60999; }
  (( base + 100 * $(wc -w <<<"$(topology_nodes "$kind")") <= lo || base > hi )) \
    || die "MURDER_PORT_BASE=$base: the nodes' ports would be inside the ephemeral port range $lo-$hi (net.ipv4.ip_local_port_range); choose a base below $((lo - 100 * $(wc -w <<<"$(topology_nodes "$kind")")))"
  mkdir -p "$(kind_dir "$kind")"
  {
    echo "# ./murder start --topology $kind, created $(date -u '+%Y-%m-%dT%H:%M:%SZ'); its nodes' settings are made from this"
    echo "topology: $kind"
    echo "nodes: $(topology_nodes "$kind")"
    echo "port_base: $base"
    echo "node_password: $(random_secret)"
    echo "proxy_password: $(random_secret)"
    echo "cluster_password: $(random_secret)"
  } >"$(kind_dir "$kind")/topology.conf"
  chmod 600 "$(kind_dir "$kind")/topology.conf"
}

# The settings file of node $2: its identity, its ports, and how it finds the others (docs/topologies.md).
write_node_conf() {
  local kind=$1 node=$2 b
  local master_http master_mupdate roles
  roles=$(topology_roles "$kind" "$node")
  master_http=$(node_port "$kind" master http)
  master_mupdate=$(node_port "$kind" master mupdate)
  {
    echo "# node $node of the $kind topology, written by ./murder (edit freely; delete it to have it written again)"
    echo "servername: $node"
    echo "murder_roles: $roles"
    echo "admins: admin $NODE_USER"
    echo "murder_node_user: $NODE_USER"
    echo "murder_node_password: $(topo_setting "$kind" node_password)"
    echo "java_heap: $TOPOLOGY_HEAP"
    echo
    echo "# this node's ports: $(topo_setting "$kind" port_base) + 100 x its number in the topology (docs/topologies.md)"
    echo "imap_port: $(node_port "$kind" "$node" imap)"
    echo "lmtp_port: $(node_port "$kind" "$node" lmtp)"
    echo "pop3_port: $(node_port "$kind" "$node" pop3)"
    echo "http_port: $(node_port "$kind" "$node" http)"
    echo "https_port: $(node_port "$kind" "$node" https)"
    echo "management_port: $(node_port "$kind" "$node" management)"
    echo "management_https_port: $(node_port "$kind" "$node" management_https)"
    echo "txn_recovery_port: $(node_port "$kind" "$node" txn_recovery)"
    echo "txn_status_port: $(node_port "$kind" "$node" txn_status)"
    echo "iiop_port: $(node_port "$kind" "$node" iiop)"
    echo "iiop_ssl_port: $(node_port "$kind" "$node" iiop_ssl)"
    echo
    if [[ $node == master ]]; then
      echo "# the MUPDATE master: backends register their mailboxes as $NODE_USER with PLAIN on the loopback"
      echo "mupdate_port: $master_mupdate"
      echo "mupdate_allowplaintext: yes"
      echo "# where ./murder adduser puts an INBOX without an explicit server: roundrobin or freespace"
      echo "murder_placement: roundrobin"
    else
      echo "# the master: MUPDATE (mupdate_port is the master's; this node's own MUPDATE listener only says BYE)"
      echo "mupdate_server: 127.0.0.1"
      echo "mupdate_port: $master_mupdate"
      echo "mupdate_listen_port: $(node_port "$kind" "$node" mupdate)"
      echo "mupdate_master_url: http://127.0.0.1:$master_http"
      echo "mupdate_authname: $NODE_USER"
      echo "mupdate_username: $NODE_USER"
      echo "mupdate_password: $(topo_setting "$kind" node_password)"
    fi
    if [[ $node == master ]] || has_role "$kind" "$node" frontend; then
      echo
      echo "# map changes reach the frontends through Artemis: a cluster connection to the master's broker"
      echo "murder_cluster: yes"
      echo "murder_master_host: 127.0.0.1"
      echo "murder_master_http_port: $master_http"
      echo "murder_cluster_user: murder-cluster"
      echo "murder_cluster_password: $(topo_setting "$kind" cluster_password)"
    fi
    if has_role "$kind" "$node" backend; then
      echo
      echo "# backend: the frontends log in as $PROXY_USER for their users (PLAIN allowed on the loopback)"
      echo "proxyservers: $PROXY_USER"
      echo "# subscriptions live with the INBOX and may name mailboxes on other backends (Cyrus's setting for a murder)"
      echo "allowallsubscribe: yes"
      echo "imap_allowplaintext: yes"
      echo "lmtp_allowplaintext: yes"
      echo "pop3_allowplaintext: yes"
      if ! has_role "$kind" "$node" frontend; then
        echo "# moves (RENAME name name server!partition, docs/moves.md): the backends reach each other as $PROXY_USER"
        echo "proxy_authname: $PROXY_USER"
        echo "proxy_password: $(topo_setting "$kind" proxy_password)"
        for b in $(nodes_with_role "$kind" backend); do
          [[ $b == "$node" ]] || echo "${b}_imap_address: 127.0.0.1:$(node_port "$kind" "$b" imap)"
        done
      fi
    fi
    if has_role "$kind" "$node" frontend; then
      echo
      echo "# frontend: how to reach each backend, and as whom"
      echo "proxy_authname: $PROXY_USER"
      echo "proxy_password: $(topo_setting "$kind" proxy_password)"
      for b in $(nodes_with_role "$kind" backend); do
        echo "${b}_imap_address: 127.0.0.1:$(node_port "$kind" "$b" imap)"
        echo "${b}_lmtp_address: 127.0.0.1:$(node_port "$kind" "$b" lmtp)"
        echo "${b}_pop3_address: 127.0.0.1:$(node_port "$kind" "$b" pop3)"
      done
    fi
  } >"$(node_conf "$kind" "$node")"
  chmod 600 "$(node_conf "$kind" "$node")"
}

# The user-file line of user $1 with password $2 (SCRAM keys; made once, then copied to every node's file).
user_line() {
  local tmp line
  tmp=$(mktemp -d)
  printf '%s\n' "$2" | user_file set "$tmp/users" "$1" >/dev/null || { rm -rf "$tmp"; die "could not hash the password of $1"; }
  line=$(grep -v '^#' "$tmp/users" | head -n 1)
  rm -rf "$tmp"
  echo "$line"
}

# Creates what is missing of topology $1: topology.conf, each node's settings, each node's identities.
ensure_topology() {
  local kind=$1 node users node_line="" proxy_line=""
  if [[ ! -f "$(kind_dir "$kind")/topology.conf" ]]; then
    create_topology "$kind"
  elif [[ -n ${MURDER_PORT_BASE:-} && $MURDER_PORT_BASE != "$(topo_setting "$kind" port_base)" ]]; then
    die "the $kind topology in $(kind_dir "$kind") has port base $(topo_setting "$kind" port_base), not MURDER_PORT_BASE=$MURDER_PORT_BASE (remove that directory to start afresh)"
  fi
  for node in $(topology_nodes "$kind"); do
    mkdir -p "$(node_dir "$kind" "$node")/node/configuration"
    [[ -f "$(node_conf "$kind" "$node")" ]] || write_node_conf "$kind" "$node"
    users=$(node_users "$kind" "$node")
    if ! grep -q "^$NODE_USER=" "$users" 2>/dev/null; then
      [[ -n $node_line ]] || node_line=$(user_line "$NODE_USER" "$(topo_setting "$kind" node_password)")
      replace_user_line "$users" "$NODE_USER" "$node_line"
    fi
    if has_role "$kind" "$node" backend && ! grep -q "^$PROXY_USER=" "$users" 2>/dev/null; then
      [[ -n $proxy_line ]] || proxy_line=$(user_line "$PROXY_USER" "$(topo_setting "$kind" proxy_password)")
      replace_user_line "$users" "$PROXY_USER" "$proxy_line"
    fi
  done
}

# ---------------------------------------------------------------- running nodes

# ./murder for one node of topology $1: `on_node KIND NODE ARGS...` (the single-node launcher, on that node's files).
on_node() {
  local kind=$1 node=$2; shift 2
  MURDER_HOME="$(node_dir "$kind" "$node")/node" MURDER_CONF="$(node_conf "$kind" "$node")" "$SELF" "$@"
}

# Runs `on_node KIND NODE ARGS...` for each of NODES at once; prints each one's output prefixed by its name, in
# NODES' order; fails if any failed. Usage: on_nodes KIND "NODES" ARGS...
on_nodes() {
  local kind=$1 nodes=$2 node rc=0 tmp; shift 2
  local -A pids=()
  tmp=$(mktemp -d)
  for node in $nodes; do
    on_node "$kind" "$node" "$@" >"$tmp/$node" 2>&1 </dev/null &
    pids[$node]=$!
  done
  for node in $nodes; do
    wait "${pids[$node]}" || { echo $? >"$tmp/$node.rc"; rc=1; }
  done
  for node in $nodes; do
    sed "s/^/$node: /" "$tmp/$node"
  done
  rm -rf "$tmp"
  return $rc
}

# Whether any node of topology $1 has a running JVM.
any_node_running() {
  local node
  for node in $(topology_nodes "$1"); do
    (NODE="$(node_dir "$1" "$node")/node"; PIDFILE="$NODE/murder.pid"; jvm_pid >/dev/null) && return 0
  done
  return 1
}

require_active() {
  local kind; kind=$(active_topology)
  [[ -n $kind ]] || die "no topology runs (./murder start --topology discrete|unified)"
  echo "$kind"
}

require_node() {
  [[ " $(topology_nodes "$1") " == *" $2 "* ]] || die "the $1 topology has no node '$2' (its nodes: $(topology_nodes "$1"))"
}

# ./murder start --topology KIND: every node at once; a topology that runs already gets its stopped nodes started.
topology_start() {
  local kind=$1 other t0=$SECONDS rc=0
  topology_nodes "$kind" >/dev/null
  other=$(active_topology)
  if [[ -n $other && $other != "$kind" ]]; then
    any_node_running "$other" && die "the $other topology runs; ./murder stop it first"
  fi
  jvm_pid >/dev/null && die "the single node ($NODE) runs (pid $(jvm_pid)); ./murder stop it first"
  ensure_built
  [[ -f "$WF/standalone/configuration/murder-cluster.xml" ]] || { rm -f "$EAR"; ensure_built; }
  ensure_topology "$kind"
  echo "$kind" >"$TOPO_ACTIVE"
  echo "murder: starting the $kind topology ($(topology_nodes "$kind")) in $(kind_dir "$kind")"
  # a topology's five JVMs share the machine while they start: more time than one node's default
  MURDER_START_TIMEOUT=${MURDER_START_TIMEOUT:-480} on_nodes "$kind" "$(topology_nodes "$kind")" start || rc=1
  echo "murder: $kind topology $( ((rc == 0)) && echo started || echo 'did not start completely') in $((SECONDS - t0))s"
  topology_status "$kind" || true
  return $rc
}

# ./murder stop [NODE]
topology_stop() {
  local kind; kind=$(require_active)
  if [[ -n ${1:-} ]]; then
    require_node "$kind" "$1"
    on_node "$kind" "$1" stop
    return
  fi
  on_nodes "$kind" "$(topology_nodes "$kind")" stop || die "not every node stopped"
  rm -f "$TOPO_ACTIVE"
}

topology_start_node() {
  local kind; kind=$(require_active)
  require_node "$kind" "$1"
  on_node "$kind" "$1" start
}

# The status of every node: one JSON object per node (from each node's own `status --json`), in topology order,
# and the worst exit status (0 all up, 1 something not answering, 3 none running).
topology_status_objects() {
  local kind=$1 node tmp rc any_up=false all_up=true
  local -A pids=()
  tmp=$(mktemp -d)
  for node in $(topology_nodes "$kind"); do
    on_node "$kind" "$node" status --json >"$tmp/$node" 2>/dev/null </dev/null &
    pids[$node]=$!
  done
  for node in $(topology_nodes "$kind"); do
    rc=0; wait "${pids[$node]}" || rc=$?
    sed -e 's/^\[//' -e 's/\]$//' "$tmp/$node"
    ((rc == 0)) && any_up=true
    ((rc == 1)) && any_up=true
    ((rc == 0)) || all_up=false
  done
  rm -rf "$tmp"
  $all_up && return 0
  $any_up && return 1
  return 3
}

json_field() { sed -n -E "s/.*\"$2\": (\"([^\"]*)\"|([a-z0-9]+)).*/\2\3/p" <<<"$1"; }

topology_status() {
  local kind=${1:-$(require_active)} rc=0 objects line name
  objects=$(topology_status_objects "$kind") || rc=$?
  echo "murder: the $kind topology ($(kind_dir "$kind"))"
  printf '  %-7s %-17s %-8s %-5s %-16s %-16s %-16s %-16s %s\n' NODE ROLES PID STATE IMAP POP3 LMTP MUPDATE HTTP
  while IFS= read -r line; do
    name=$(json_field "$line" name)
    local roles pid up state
    roles=$(sed -n -E 's/.*"roles": \[([^]]*)\].*/\1/p' <<<"$line" | tr -d '"' | sed 's/, /,/g')
    pid=$(json_field "$line" pid); up=$(json_field "$line" up)
    if [[ $up == true ]]; then state=up; elif [[ $pid == null ]]; then state=down; else state=ill; fi
    printf '  %-7s %-17s %-8s %-5s %-16s %-16s %-16s %-16s %s\n' "$name" "$roles" "${pid/null/-}" "$state" \
      "$(json_field "$line" imap | sed 's/^null$/-/')" "$(json_field "$line" pop3 | sed 's/^null$/-/')" \
      "$(json_field "$line" lmtp | sed 's/^null$/-/')" \
      "$(json_field "$line" mupdate | sed 's/^null$/-/')" "$(json_field "$line" http | sed 's/^null$/-/')"
    # a JVM that runs but does not answer: what its own status says is wrong
    [[ $state == ill ]] && on_node "$kind" "$name" status 2>&1 | sed -n 's/^  /      /p'
  done <<<"$objects"
  # the master's mailboxes on two backends (its own status lists them)
  local n
  n=$(grep -o '"mailbox":' <<<"$objects" | wc -l)
  ((n == 0)) || echo "murder: $n mailbox(es) on two backends: ./murder node master status lists them"
  return $rc
}

topology_status_json() {
  local kind rc=0 objects
  kind=$(require_active)
  objects=$(topology_status_objects "$kind") || rc=$?
  echo "[$(paste -sd, <<<"$objects" | sed 's/},{/}, {/g')]"
  return $rc
}

# ---------------------------------------------------------------- users and their INBOX

# curl of node $2's REST API as the node identity; prints the body, then the HTTP status on a line of its own.
node_api() {
  local kind=$1 node=$2 method=$3 path=$4 body=${5:-} user password
  user=$(node_setting "$kind" "$node" murder_node_user); password=$(node_setting "$kind" "$node" murder_node_password)
  user=${user//\\/\\\\}; user=${user//\"/\\\"}; password=${password//\\/\\\\}; password=${password//\"/\\\"}
  printf 'user = "%s:%s"\n' "$user" "$password" \
    | curl -sS -m 120 -K - -X "$method" -H 'X-Requested-By: murder' -H 'Content-Type: application/json' \
      ${body:+--data-binary "$body"} -w '\n%{http_code}\n' "http://127.0.0.1:$(node_setting "$kind" "$node" http_port)$path"
}

# The directory a partition of backend $2 keeps its mail in (partition-NAME, else configdirectory/spool/NAME).
partition_dir() {
  local kind=$1 node=$2 part=$3 dir
  dir=$(node_setting "$kind" "$node" "partition-$part")
  [[ -n $dir ]] || dir="$(node_setting "$kind" "$node" configdirectory "$(node_dir "$kind" "$node")/node/data/murder")/spool/$part"
  echo "$dir"
}

# Bytes free on the filesystem of a directory (or of its nearest existing parent: a fresh backend's spool).
free_bytes() {
  local d=$1
  while [[ ! -e $d && $d != / ]]; do d=$(dirname "$d"); done
  df --output=avail -B1 "$d" | tail -n 1 | tr -d ' '
}

# The backend a new INBOX goes to, by the master's murder_placement: roundrobin (a cursor in the topology's
# directory, under a lock so that two adduser at once take two backends) or freespace (most free bytes on the
# partition's filesystem).
place_inbox() {
  local kind=$1 part=$2 policy b best="" most=-1 free n lock
  local -a backends
  read -r -a backends <<<"$(nodes_with_role "$kind" backend | tr '\n' ' ')"
  policy=$(node_setting "$kind" master murder_placement roundrobin)
  case $policy in
    roundrobin)
      exec {lock}>"$(kind_dir "$kind")/placement.lock"
      flock "$lock"
      n=$(cat "$(kind_dir "$kind")/placement.cursor" 2>/dev/null || echo 0)
      [[ $n =~ ^[0-9]+$ ]] || n=0
      echo $((n + 1)) >"$(kind_dir "$kind")/placement.cursor"
      exec {lock}>&-
      echo "${backends[n % ${#backends[@]}]}" ;;
    freespace)
      for b in "${backends[@]}"; do
        free=$(free_bytes "$(partition_dir "$kind" "$b" "$part")")
        if ((free > most)); then most=$free; best=$b; fi
      done
      echo "$best" ;;
    *) die "murder_placement: '$policy' is neither roundrobin nor freespace" ;;
  esac
}

# ./murder adduser NAME [PASSWORD|-] [SERVER[!PARTITION]]: the user on every frontend and backend, the INBOX on
# SERVER or where the placement puts it.
topology_adduser() {
  local kind name password server="" part="" line node out status inbox
  kind=$(require_active)
  [[ $# -ge 1 && $# -le 3 ]] || die "usage: ./murder adduser NAME [PASSWORD|-] [SERVER[!PARTITION]] (- or no PASSWORD: one line on standard input)"
  name=$1
  [[ $name =~ ^[A-Za-z0-9._@+-]+$ ]] || die "user names are letters, digits and . _ @ + -"
  if [[ $# -ge 2 && $2 != - ]]; then
    password=$2
  elif [[ -t 0 ]]; then
    read -r -s -p "password for $name: " password; echo >&2
  else
    IFS= read -r password || [[ -n $password ]] || die "no password on standard input"
  fi
  [[ -n $password ]] || die "the password must be one non-empty line"
  if [[ $# -eq 3 ]]; then
    server=${3%%!*}; [[ $3 == *!* ]] && part=${3#*!}
    has_role "$kind" "$server" backend 2>/dev/null && [[ " $(topology_nodes "$kind") " == *" $server "* ]] \
      || die "'$server' is not a backend of the $kind topology (backends: $(nodes_with_role "$kind" backend | tr '\n' ' '))"
  fi
  [[ -n $part ]] || part=default
  line=$(user_line "$name" "$password")
  for node in $(topology_nodes "$kind"); do
    has_role "$kind" "$node" frontend || has_role "$kind" "$node" backend || continue
    replace_user_line "$(node_users "$kind" "$node")" "$name" "$line"
  done
  echo "murder: user $name added on $(for n in $(topology_nodes "$kind"); do has_role "$kind" "$n" master || printf '%s ' "$n"; done)"
  [[ -n $server ]] || server=$(place_inbox "$kind" "$part")
  # the internal name of the user's INBOX (Cyrus's, with '.' in a user name as '^')
  inbox="user.${name//./^}"
  out=$(node_api "$kind" "$server" POST /api/backend/mailboxes "{\"name\": \"$inbox\", \"partition\": \"$part\"}") \
    || die "could not reach $server's REST API to create $inbox"
  status=$(tail -n 1 <<<"$out")
  case $status in
    201) echo "murder: INBOX $inbox created on $server!$part" ;;
    409) echo "murder: INBOX $inbox already exists ($(sed '$d' <<<"$out"))" ;;
    *) die "creating $inbox on $server!$part failed: HTTP $status $(sed '$d' <<<"$out")" ;;
  esac
}

topology_deluser() {
  local kind node
  kind=$(require_active)
  [[ $# -eq 1 ]] || die "usage: ./murder deluser NAME"
  for node in $(topology_nodes "$kind"); do
    [[ -f "$(node_users "$kind" "$node")" ]] && replace_user_line "$(node_users "$kind" "$node")" "$1"
  done
  echo "murder: user $1 removed from every node (mailboxes stay)"
}

# ./murder node NAME COMMAND...: any single-node command on one node of the running topology (logs, push, ...).
topology_node_command() {
  local kind; kind=$(require_active)
  [[ $# -ge 2 ]] || die "usage: ./murder node NAME COMMAND [ARGS...]"
  require_node "$kind" "$1"
  on_node "$kind" "$@"
}
