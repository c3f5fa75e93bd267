#!/usr/bin/env bash
# The first process of one simulated hypervisor host of bin/lab, run by bin/lab inside new mount, network, PID and
# UTS namespaces: PID 1 of the host. It makes the host's private directories, waits for its network, starts the
# host's virtlogd, virtlockd, libvirtd (listening on the host network) and its ZooKeeper server, then stays as the
# host's watchdog: when the deadline in $HOSTDIR/watchdog-deadline (epoch milliseconds, written by the host's
# guestnode) passes, or when it is killed, the kernel kills every process of the host at once: a power cut.
#   lab-host.sh NAME INDEX LABDIR
set -uo pipefail
name="$1"; index="$2"; lab="$3"
hostdir="$lab/hosts/$name"
log() { printf '%s %s: %s\n' "$(date +%T.%3N)" "$name" "$*" >>"$hostdir/host.log"; }

hostname "$name"
mount -t proc proc /proc
# cgroup v1 and v2 mixed: libvirt's LXC driver wants /sys/fs/cgroup alone (as bin/setup-host does for the host)
for m in $(findmnt -rn -t cgroup2 -o TARGET | grep -v '^/sys/fs/cgroup$'); do umount "$m" 2>/dev/null || true; done
for d in /run/libvirt /var/lib/libvirt /var/log/libvirt /var/cache/libvirt /run/lock; do
  mkdir -p "$d" && mount -t tmpfs -o mode=0755 tmpfs "$d"
done
mkdir -p /var/lib/libvirt/lxc /var/lib/libvirt/network /var/lib/libvirt/dnsmasq /var/log/libvirt/lxc /var/log/libvirt/qemu
mount --bind "$hostdir/etc-libvirt" /etc/libvirt
# the host's own network devices in /sys (libvirt isolates bridge ports there); the cgroup mounts under /sys stay
mkdir -p "$hostdir/sys" && mount -t sysfs sysfs "$hostdir/sys"
mount --bind "$hostdir/sys/class/net" /sys/class/net
mount --bind "$hostdir/sys/devices/virtual/net" /sys/devices/virtual/net
log "namespaces ready (pid $$)"

# the network: bin/lab moves this host's two uplinks in and then writes net-ready
for _ in $(seq 1 200); do [ -e "$hostdir/net-ready" ] && break; sleep 0.05; done
ip link set lo up
ip link set eth0 up
ip addr add "10.77.0.$index/24" dev eth0
log "host network 10.77.0.$index"

/usr/sbin/virtlogd -d -p /run/libvirt/virtlogd.pid
/usr/sbin/virtlockd -d -p /run/libvirt/virtlockd.pid
/usr/sbin/libvirtd -d --listen -p /run/libvirt/libvirtd.pid
for _ in $(seq 1 100); do virsh -q -c lxc:/// uri >/dev/null 2>&1 && break; sleep 0.1; done
virsh -q -c lxc:/// net-define "$hostdir/network.xml" >/dev/null && virsh -q -c lxc:/// net-start guestnode >/dev/null \
  || log "cannot start the guest network"
ip link set guplink up && ip link set guplink master gn-br0
log "libvirtd and the guest network (gn-br0 10.251.0.$index/16) up"

# its ZooKeeper server, a JVM of this host: it dies with the host
if [ -s "$lab/zk.classpath" ]; then
  (exec "$JAVA_HOME/bin/java" -Xms16m -Xmx96m -XX:+UseSerialGC -Xss512k -XX:TieredStopAtLevel=1 \
      -Dzookeeper.admin.enableServer=false -Dzookeeper.log.dir="$hostdir" \
      -cp "$(cat "$lab/zk.classpath")" org.apache.zookeeper.server.quorum.QuorumPeerMain "$hostdir/zoo.cfg" \
      >>"$hostdir/zk.log" 2>&1) &
  log "ZooKeeper server started (pid $!)"
fi
touch "$hostdir/ready"

# the watchdog: PID 1 of the host; leaving ends every process of the host
trap 'log "killed"; exit 0' TERM INT
while true; do
  if [ -s "$hostdir/watchdog-deadline" ]; then
    deadline=$(cat "$hostdir/watchdog-deadline" 2>/dev/null || echo 0)
    now=$(date +%s%3N)
    if [ "${deadline:-0}" -gt 0 ] && [ "$now" -gt "$deadline" ]; then
      log "watchdog: deadline $deadline passed at $now: the host resets"
      exit 1
    fi
  fi
  sleep 0.1 # bash reaps the orphans it adopts as PID 1 when they exit
done
