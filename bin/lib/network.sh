# The guests' libvirt network, for bin/setup-host. Source it; it defines functions and changes nothing.
# Every guest's port on the network's bridge is isolated (<port isolated='yes'/>): the kernel bridge forwards
# nothing between two isolated ports, so a guest reaches the host (the bridge itself) and no other guest, for LXC
# veths and QEMU taps alike. The guest templates isolate their own port too, which holds on a network that has
# not been updated yet.

GN_NET_URI="${GN_NET_URI:-lxc:///}"

gn_net() { virsh -q -c "$GN_NET_URI" "$@"; }

# The bridge of network $1.
gn_net_bridge() {
  gn_net net-dumpxml "$1" | sed -n "s/.*<bridge [^>]*name=['\"]\([^'\"]*\)['\"].*/\1/p" | head -1
}

gn_net_isolates() { grep -q "<port isolated=['\"]yes['\"]" <<<"$1"; }

# Bridge ports (guest interfaces) attached to bridge $1, one a line.
gn_net_ports() {
  bridge -o link show master "$1" 2>/dev/null | sed -n 's/^[0-9]*: \([^:@ ]*\)[@:].*/\1/p'
}

# Defines network $1 from file $2 when it does not exist, or makes an existing definition isolate the guests'
# ports, keeping the rest of it (uuid, MAC, addresses, local changes). Starts it and marks it autostart.
# The running network takes a new definition only when it starts: with no guest attached it is restarted now;
# with guests attached their ports are isolated at once (bridge link) and the network keeps running.
# Prints what it did, with the did/ok functions of the caller.
gn_network_ensure() {
  local name="$1" xml_file="$2" def tmp live br ports p n
  if ! gn_net net-info "$name" >/dev/null 2>&1; then
    gn_net net-define "$xml_file" >/dev/null || gn_die "cannot define the libvirt network '$name' from $xml_file"
    gn_net net-autostart "$name" >/dev/null
    did "defined the isolated libvirt network '$name' from $xml_file (guests reach the host only)"
  else
    def=$(gn_net net-dumpxml --inactive "$name")
    if gn_net_isolates "$def"; then
      ok "libvirt network '$name' isolates the guests' ports"
    else
      tmp=$(mktemp)
      # drop a <port isolated='no'/> if any, then add <port isolated='yes'/> before </network>
      sed -e "/<port isolated=/d" -e "s|</network>|  <port isolated='yes'/>\n</network>|" <<<"$def" >"$tmp"
      gn_net net-define "$tmp" >/dev/null || { rm -f "$tmp"; gn_die "cannot update the libvirt network '$name'"; }
      rm -f "$tmp"
      did "updated the libvirt network '$name': guests' ports are isolated (<port isolated='yes'/>), guests reach the host only"
    fi
  fi
  if ! grep -Eq '^Active: +yes' <<<"$(gn_net net-info "$name" 2>/dev/null)"; then
    gn_net net-start "$name" >/dev/null || gn_die "cannot start the libvirt network '$name'"
    did "started the libvirt network '$name'"
    return 0
  fi
  live=$(gn_net net-dumpxml "$name")
  if gn_net_isolates "$live"; then
    ok "libvirt network '$name' is active"
    return 0
  fi
  br=$(gn_net_bridge "$name")
  ports=$(gn_net_ports "$br")
  if [ -z "$ports" ]; then
    gn_net net-destroy "$name" >/dev/null && gn_net net-start "$name" >/dev/null \
      || gn_die "cannot restart the libvirt network '$name'"
    did "restarted the libvirt network '$name' (no guest attached) so that it runs with isolated ports"
  else
    n=0
    for p in $ports; do
      bridge link set dev "$p" isolated on || gn_die "cannot isolate port $p of bridge $br"
      n=$((n + 1))
    done
    did "isolated the $n port(s) of bridge $br that running guests use; the libvirt network '$name' keeps running" \
        "and isolates new ports from its next start (guests from 'guestnode template' isolate their own)"
  fi
}
