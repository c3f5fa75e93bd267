# The reference system for bin/bench: a single-node Pacemaker 2.1.5 cluster (corosync at 127.0.0.1,
# stonith-enabled=false, no-quorum-policy=ignore) started by hand, no systemd. Source it.
#
# Debian's pacemaker conflicts with pacemaker-remote, which the host keeps for the tests. So corosync and
# Pacemaker's libraries (which do not conflict) are installed, the pacemaker package itself is unpacked into
# .cache/pacemaker/root, and the cluster runs in a private mount namespace in which that root's /usr/lib is
# laid over the host's (a read-only overlay: pacemakerd starts its daemons from /usr/lib/pacemaker), and
# corosync's configuration and Pacemaker's state directories are the benchmark's own. Nothing of the host's
# /etc, /usr or /var is changed, and everything goes away with the namespace.

PCMK_CACHE="$GN_CACHE/pacemaker"
PCMK_ROOT="$PCMK_CACHE/root"
PCMK_DEPS=(corosync pacemaker-cli-utils libcrmcluster29 libpacemaker1 libpe-status28 libpe-rules26 libcib27
           libstonithd26 libcfg7 libcmap4 libcpg4 libquorum5 libvotequorum8)

pcmk_install() {
  local missing=() p
  for p in "${PCMK_DEPS[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q '^install ok installed' || missing+=("$p")
  done
  if [ "${#missing[@]}" -gt 0 ]; then
    apt-get update -q >/dev/null
    # the packages' services are not started: corosync runs only in the cluster's own namespace
    local policy=""
    if [ ! -e /usr/sbin/policy-rc.d ]; then
      printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod 0755 /usr/sbin/policy-rc.d && policy=1
    fi
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" >"$PCMK_CACHE.apt.log" 2>&1 \
      || { [ -n "$policy" ] && rm -f /usr/sbin/policy-rc.d; tail -20 "$PCMK_CACHE.apt.log" >&2; gn_die "cannot install ${missing[*]}"; }
    [ -n "$policy" ] && rm -f /usr/sbin/policy-rc.d
    gn_say "installed ${missing[*]}"
  fi
  if [ -d /run/systemd/system ] && systemctl is-active --quiet corosync 2>/dev/null; then
    gn_die "a corosync service runs on this host; the benchmark needs the host without a cluster"
  fi
  if [ ! -x "$PCMK_ROOT/usr/sbin/pacemakerd" ]; then
    mkdir -p "$PCMK_CACHE/debs"
    (cd "$PCMK_CACHE/debs" && apt-get download -q -o APT::Sandbox::User=root pacemaker >/dev/null) \
      || gn_die "apt-get download pacemaker failed"
    rm -rf "$PCMK_ROOT"
    dpkg -x "$(ls -t "$PCMK_CACHE"/debs/pacemaker_*.deb | head -1)" "$PCMK_ROOT"
    gn_say "unpacked Debian's pacemaker into $PCMK_ROOT"
  fi
}

# pcmk_namespace_mounts COROSYNC_DIR LOG_DIR: the lines of a cluster node's namespace script that lay Pacemaker's
# daemons over /usr/lib and give it corosync's configuration, its own state directories and its log directory.
pcmk_namespace_mounts() {
  cat <<EOF
mount -t overlay overlay -o lowerdir=$PCMK_ROOT/usr/lib:/usr/lib /usr/lib
mount --bind $1 /etc/corosync
mount -t tmpfs tmpfs /var/lib/pacemaker
mkdir -p /var/lib/pacemaker/cib /var/lib/pacemaker/pengine /var/lib/pacemaker/blackbox /var/lib/pacemaker/cores
chown -R hacluster:haclient /var/lib/pacemaker
mkdir -p /var/lib/corosync
mount -t tmpfs tmpfs /var/lib/corosync
mount --bind $2 /var/log/pacemaker
EOF
}

# pcmk_start WORKDIR KEYFILE: starts corosync and pacemakerd in their namespace; waits until host1 is DC.
pcmk_start() {
  local w="$1" key="$2"
  mkdir -p "$w/corosync" "$w/pcmk-log"
  chown hacluster:haclient "$w/pcmk-log"
  cat >"$w/corosync/corosync.conf" <<'EOF'
totem {
    version: 2
    cluster_name: guestnode-bench
    transport: knet
    crypto_cipher: none
    crypto_hash: none
}
nodelist {
    node {
        ring0_addr: 127.0.0.1
        name: host1
        nodeid: 1
    }
}
quorum {
    provider: corosync_votequorum
}
logging {
    to_stderr: yes
    to_logfile: no
    to_syslog: no
}
EOF
  cat >"$w/pcmk-run.sh" <<EOF
set -e
$(pcmk_namespace_mounts "$w/corosync" "$w/pcmk-log")
export PCMK_authkey_location=$key PCMK_logfile=$w/pcmk-log/pacemaker.log
corosync -f > $w/pcmk-log/corosync.out 2>&1 &
echo \$! > $w/corosync.pid
for i in \$(seq 1 50); do corosync-cfgtool -s >/dev/null 2>&1 && break; sleep 0.1; done
$PCMK_ROOT/usr/sbin/pacemakerd -f &
echo \$! > $w/pacemakerd.pid
wait
EOF
  unshare -m --propagation private bash "$w/pcmk-run.sh" >"$w/pcmk-log/namespace.out" 2>&1 &
  echo $! >"$w/pcmk-namespace.pid"
  local i
  for i in $(seq 1 600); do
    crm_mon -1 2>/dev/null | grep -q 'Current DC: host1' && return 0
    sleep 0.1
  done
  tail -20 "$w/pcmk-log/pacemaker.log" >&2
  gn_die "Pacemaker did not elect host1 as DC"
}

pcmk_stop() {
  local w="$1" p
  [ -f "$w/pacemakerd.pid" ] && kill -TERM "$(cat "$w/pacemakerd.pid")" 2>/dev/null
  for _ in $(seq 1 100); do pgrep -x pacemakerd >/dev/null || break; sleep 0.2; done
  pkill -KILL -f "$PCMK_ROOT/usr/sbin/pacemakerd" 2>/dev/null || true
  for p in pacemaker-based pacemaker-fenced pacemaker-execd pacemaker-attrd pacemaker-schedulerd pacemaker-controld; do
    pkill -KILL -f "/usr/lib/pacemaker/$p" 2>/dev/null || true
  done
  [ -f "$w/corosync.pid" ] && kill -TERM "$(cat "$w/corosync.pid")" 2>/dev/null
  for _ in $(seq 1 50); do pgrep -x corosync >/dev/null || break; sleep 0.1; done
  pkill -KILL -x corosync 2>/dev/null || true
  [ -f "$w/pcmk-namespace.pid" ] && kill "$(cat "$w/pcmk-namespace.pid")" 2>/dev/null
  rm -f /dev/shm/qb-*-cib_* /dev/shm/qb-*crmd* 2>/dev/null || true
  return 0
}
