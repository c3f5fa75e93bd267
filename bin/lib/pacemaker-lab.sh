# Pacemaker 2.1.5 across lab hosts (bin/lab), for bin/bench --migrate: a cluster node on each given host, corosync
# over the host network 10.77.0.0/24, stonith-enabled=false. Each node runs in a private mount namespace inside its
# lab host, with Pacemaker's daemons laid over /usr/lib as in pacemaker-cluster.sh, its own /dev/shm (libqb's IPC),
# state directories and an /etc/hosts naming the hosts (VirtualDomain migrates to qemu+tcp://NODE/system). Source it
# after pacemaker-cluster.sh (pcmk_install); everything goes with bin/lab down.

PCMK_LAB=/run/guestnode-lab/pacemaker

# pcmk_lab_start KEYFILE HOST...: starts a cluster node on each host; returns once every node is online.
pcmk_lab_start() {
  local key="$1"; shift
  local hosts=("$@") h i nodes="" etc_hosts="127.0.0.1 localhost"
  for h in "${hosts[@]}"; do
    i="${h#h}"
    nodes+="    node {
        ring0_addr: 10.77.0.$i
        name: $h
        nodeid: $i
    }
"
    etc_hosts+=$'\n'"10.77.0.$i $h"
  done
  for h in "${hosts[@]}"; do
    local w="$PCMK_LAB/$h"
    rm -rf "$w"; mkdir -p "$w/corosync" "$w/log"
    chown hacluster:haclient "$w/log"
    echo "$etc_hosts" >"$w/hosts"
    cat >"$w/corosync/corosync.conf" <<EOF
totem {
    version: 2
    cluster_name: guestnode-lab
    transport: knet
    crypto_cipher: none
    crypto_hash: none
    token: 3000
}
nodelist {
$nodes}
quorum {
    provider: corosync_votequorum
    two_node: $([ "${#hosts[@]}" -eq 2 ] && echo 1 || echo 0)
}
logging {
    to_stderr: yes
    to_logfile: no
    to_syslog: no
}
EOF
    cat >"$w/pcmk-lab-run.sh" <<EOF
set -e
$(pcmk_namespace_mounts "$w/corosync" "$w/log")
mount --bind $w/hosts /etc/hosts
mount -t tmpfs tmpfs /dev/shm
# corosync locks /run/corosync.pid, and /run is the machine's: each node locks a file of its own there
[ -e /run/corosync.pid ] || : >/run/corosync.pid
: >$w/corosync.pid
mount --bind $w/corosync.pid /run/corosync.pid
export PCMK_authkey_location=$key PCMK_logfile=$w/log/pacemaker.log
corosync -f > $w/log/corosync.out 2>&1 &
for i in \$(seq 1 50); do corosync-cfgtool -s >/dev/null 2>&1 && break; sleep 0.1; done
$PCMK_ROOT/usr/sbin/pacemakerd -f &
wait
EOF
    ("$GN_ROOT/bin/lab" exec "$h" unshare -m --propagation private bash "$w/pcmk-lab-run.sh" \
      >"$w/log/namespace.out" 2>&1 &) # not a job of this shell: it ends with the lab
  done
  local want
  want="Online: \[ ${hosts[*]} \]"
  for _ in $(seq 1 900); do
    if pcmk_lab_exec "${hosts[0]}" crm_mon -1 2>/dev/null | grep -q "$want"; then
      for h in "${hosts[@]}"; do PCMK_LAB_PIDS[$h]=$(pcmk_lab_pid "$h"); done
      return 0
    fi
    sleep 0.2
  done
  tail -20 "$PCMK_LAB/${hosts[0]}/log/pacemaker.log" >&2 || true
  gn_die "the lab's Pacemaker cluster did not come up with ${hosts[*]} online"
}

# pcmk_lab_exec HOST CMD...: runs CMD in HOST's cluster node namespace (its Pacemaker CLI sees that node).
# The namespace's process is looked up until the cluster is up, then taken from PCMK_LAB_PIDS (the bench polls).
declare -gA PCMK_LAB_PIDS=()
pcmk_lab_pid() { pgrep -f "^bash $PCMK_LAB/$1/pcmk-lab-run.sh" | head -1; }
pcmk_lab_exec() {
  local h="$1"; shift
  local pid="${PCMK_LAB_PIDS[$h]:-}"
  [ -n "$pid" ] || pid=$(pcmk_lab_pid "$h")
  [ -n "$pid" ] || gn_die "no cluster node runs on $h"
  nsenter -t "$pid" -m -n -p -u -- "$@"
}

# The call-id of an operation history entry.
call_id() { sed -n 's/.* call-id="\([0-9]*\)".*/\1/p'; }

# The Dummy's operation history entry ID (last_0: its last one-off operation; monitor_2000: its recurring monitor).
dummy_op() {
  pcmk_lab_exec h1 cibadmin -Q --xpath "//lrm_resource[@id='dummy-qg1']/lrm_rsc_op[@id='dummy-qg1_$1']" 2>/dev/null \
    || true
}

# Seconds from $1 to $2 (nanoseconds), or "not seen" without $2.
secs() { [ -n "$2" ] && awk "BEGIN{printf \"%.2f\", ($2-$1)/1e9}" || echo "not seen"; }

# "median / max s" of the figures given.
median_max() {
  [ $# -gt 0 ] || { echo "-"; return; }
  printf '%s\n' "$@" | sort -n | awk '{v[NR]=$1} END{printf "%.2f / %.2f s", v[int(NR/2)+1], v[NR]}'
}

# What became of the Dummy in a move: its last recorded operation (not the recurring monitor) before and after.
dummy_change() {
  [ "$1" = "$2" ] && { echo "not stopped, started or probed"; return; }
  local op; op=$(sed -n 's/.* operation="\([^"]*\)".*/\1/p' <<<"$2" | head -1)
  case "$op" in
    monitor) echo "probed again" ;;
    *) echo "its last operation is now: ${op:-none}" ;;
  esac
}

# pcmk_lab_migrate_bench RUNS: on a fresh lab of two hosts, Pacemaker runs the QEMU (TCG, 128 MiB) guest node qg1
# (VirtualDomain, allow-migrate, migrated over qemu+tcp with --unsafe as the lab's disks are not shared storage)
# with a Dummy monitored every 2 s; RUNS times crm_resource --move of its VM to the other host. Prints a line per
# move, timed from the command (polled about every 0.1 s): until the guest's connection resource runs on the
# target (crm_mon -R), until the Dummy's recurring monitor has run there (a new call in its history, rc 0), and
# whether the Dummy was stopped, started or probed again.
pcmk_lab_migrate_bench() {
  local runs="$1" shared=/run/guestnode-lab/shared/pm images="${GUESTNODE_IMAGES:-$GN_CACHE/images}"
  pcmk_lab_down
  "$GN_ROOT/bin/lab" up --hosts 2 >/dev/null || gn_die "bin/lab up failed"
  mkdir -p "$shared"
  head -c 4096 /dev/urandom >"$shared/authkey"
  chown hacluster:haclient "$shared/authkey"; chmod 640 "$shared/authkey"
  qemu-img create -q -f qcow2 -b "$images/qemu/root.qcow2" -F qcow2 "$shared/qg1.qcow2" || gn_die "qemu-img failed"
  "$GN_ROOT/bin/guestnode" template qemu --name gnpm-qg1 --addr 10.251.1.10 --images "$images" \
    --disk "$shared/qg1.qcow2" --key "$shared/authkey" --memory 128 >"$shared/qg1.xml" || gn_die "template failed"
  pcmk_lab_start "$shared/authkey" h1 h2
  pcmk_lab_exec h1 crm_attribute -t crm_config -n stonith-enabled -v false >/dev/null || gn_die "crm_attribute failed"
  pcmk_lab_exec h1 crm_attribute -t rsc_defaults -n resource-stickiness -v 100 >/dev/null \
    || gn_die "crm_attribute failed"
  pcmk_lab_exec h1 cibadmin --replace --scope resources --xml-text "<resources>
  <primitive id='vm-qg1' class='ocf' provider='heartbeat' type='VirtualDomain'>
    <instance_attributes id='vm-qg1-ia'>
      <nvpair id='vm-qg1-config' name='config' value='$shared/qg1.xml'/>
      <nvpair id='vm-qg1-hv' name='hypervisor' value='qemu:///system'/>
      <nvpair id='vm-qg1-tr' name='migration_transport' value='tcp'/>
      <nvpair id='vm-qg1-mo' name='migrate_options' value='--unsafe'/>
    </instance_attributes>
    <meta_attributes id='vm-qg1-meta'>
      <nvpair id='vm-qg1-rn' name='remote-node' value='qg1'/>
      <nvpair id='vm-qg1-ra' name='remote-addr' value='10.251.1.10'/>
      <nvpair id='vm-qg1-am' name='allow-migrate' value='true'/>
      <nvpair id='vm-qg1-ct' name='remote-connect-timeout' value='180s'/>
    </meta_attributes>
    <operations>
      <op id='vm-qg1-start' name='start' interval='0' timeout='180s'/>
      <op id='vm-qg1-mon' name='monitor' interval='10s' timeout='30s'/>
      <op id='vm-qg1-mt' name='migrate_to' interval='0' timeout='120s'/>
      <op id='vm-qg1-mf' name='migrate_from' interval='0' timeout='120s'/>
    </operations>
  </primitive>
  <primitive id='dummy-qg1' class='ocf' provider='pacemaker' type='Dummy'>
    <operations><op id='dummy-qg1-mon' name='monitor' interval='2s'/></operations>
  </primitive>
</resources>" || gn_die "cibadmin failed"
  pcmk_lab_exec h1 cibadmin --replace --scope constraints --xml-text "<constraints>
  <rsc_location id='pin-qg1' rsc='dummy-qg1' node='qg1' score='INFINITY'/>
</constraints>" || gn_die "cibadmin failed"
  local on="" _
  for _ in $(seq 1 1500); do
    on=$(pcmk_lab_exec h1 crm_mon -1 -R 2>/dev/null | sed -n 's/.*GuestNode qg1@\(h[12]\): online.*/\1/p')
    [ -n "$on" ] && pcmk_lab_exec h1 crm_resource --wait --timeout=120 >/dev/null 2>&1 && break
    sleep 0.2
  done
  [ -n "$on" ] || { tail -30 "$PCMK_LAB/h1/log/pacemaker.log" >&2; gn_die "qg1 did not come online under Pacemaker"; }
  echo "| move | command to the connection on the target (s) | command to the Dummy monitored there (s) | the Dummy |"
  echo "|---|---:|---:|---|"
  local i to t0 t_conn t_mon before after mon_before mon conns=() mons=()
  for i in $(seq 1 "$runs"); do
    to=$([ "$on" = h1 ] && echo h2 || echo h1)
    sleep 3
    before=$(dummy_op last_0)
    mon_before=$(dummy_op monitor_2000 | call_id)
    t0=$(date +%s%N); t_conn=""; t_mon=""
    pcmk_lab_exec h1 crm_resource --move -r vm-qg1 -N "$to" >/dev/null 2>&1
    for _ in $(seq 1 1200); do
      if [ -z "$t_conn" ] && pcmk_lab_exec h1 crm_mon -1 -R 2>/dev/null \
          | grep -q "qg1.*(ocf:pacemaker:remote):.*Started $to"; then
        t_conn=$(date +%s%N)
      fi
      mon=$(dummy_op monitor_2000)
      if [ -n "$t_conn" ] && grep -q ' rc-code="0"' <<<"$mon" \
          && [ "$(call_id <<<"$mon")" != "$mon_before" ]; then
        t_mon=$(date +%s%N); break
      fi
      sleep 0.02
    done
    after=$(dummy_op last_0)
    printf '| %s -> %s | %s | %s | %s |\n' "$on" "$to" "$(secs "$t0" "$t_conn")" "$(secs "$t0" "$t_mon")" \
      "$(dummy_change "$before" "$after")"
    [ -n "$t_conn" ] && conns+=("$(secs "$t0" "$t_conn")")
    [ -n "$t_mon" ] && mons+=("$(secs "$t0" "$t_mon")")
    pcmk_lab_exec h1 crm_resource --clear -r vm-qg1 >/dev/null 2>&1
    pcmk_lab_exec h1 crm_resource --wait --timeout=60 >/dev/null 2>&1 || true
    [ -n "$t_conn" ] && on="$to"
  done
  echo "Pacemaker, median / max over $runs moves: command to the connection on the target $(median_max "${conns[@]}"), \
command to the Dummy monitored there $(median_max "${mons[@]}")"
  cp "$PCMK_LAB"/h1/log/pacemaker.log "$GN_CACHE/bench/pacemaker-migration-h1.log" 2>/dev/null || true
  cp "$PCMK_LAB"/h2/log/pacemaker.log "$GN_CACHE/bench/pacemaker-migration-h2.log" 2>/dev/null || true
  pcmk_lab_down
}

# pcmk_lab_down: bin/lab down, then the mount point the nodes laid their lock files over: an empty
# /run/corosync.pid (a corosync of this machine writes its pid in it) once no corosync runs any more.
pcmk_lab_down() {
  PCMK_LAB_PIDS=()
  "$GN_ROOT/bin/lab" down >/dev/null 2>&1 || true
  for _ in $(seq 1 50); do pgrep -x corosync >/dev/null || break; sleep 0.1; done
  if ! pgrep -x corosync >/dev/null && [ -e /run/corosync.pid ] && [ ! -s /run/corosync.pid ]; then
    rm -f /run/corosync.pid
  fi
}
