#!/usr/bin/env bash
# bin/package --test: proves a built package. Arguments: DEB VERSION OUT-DIR.
#   1. lintian reports no error;
#   2. in a fresh Debian 12 root (debootstrap minbase, kept as a tarball in OUT-DIR for the next run), dpkg -i and
#      apt-get -f install install it with its dependencies;
#   3. there, guestnode --version prints VERSION, guestnode check validates the packaged example (its domains rendered
#      with guestnode template), man guestnode's pages and the completion are in place, guestnode runs with no JDK;
#   4. systemd-analyze verify accepts its unit.
set -euo pipefail
. "$(dirname "$0")/common.sh"
deb="$1" version="$2" out="$3"
[ "$(id -u)" -eq 0 ] || gn_die "bin/package --test must run as root (debootstrap, chroot)"
t0=$(date +%s)
pass() { printf '  ok:   %s\n' "$*"; }
fail() { printf '  FAIL: %s\n' "$*" >&2; exit 1; }

mirror() {
  local m
  m=$(grep -hs -E '^(URIs:|deb )' /etc/apt/sources.list.d/debian.sources /etc/apt/sources.list 2>/dev/null \
      | grep -v security | head -1 | awk '{print $2}')
  echo "${GUESTNODE_DEBIAN_MIRROR:-${m:-http://deb.debian.org/debian}}"
}
need() {
  command -v "$1" >/dev/null 2>&1 && return
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "$2" >>"$out/test.log" 2>&1 \
    || gn_die "apt-get install $2 failed (log: $out/test.log)"
}
: >"$out/test.log"
need lintian lintian
need debootstrap debootstrap

# 1. lintian
if lintian --fail-on error --tag-display-limit 0 "$deb" >"$out/lintian.txt" 2>&1; then
  pass "lintian: no error ($(grep -c '^W:' "$out/lintian.txt" || true) warnings, $(grep -c '^I:' "$out/lintian.txt" || true) infos; $out/lintian.txt)"
else
  cat "$out/lintian.txt" >&2
  fail "lintian reports errors"
fi

# 2. a fresh Debian 12 root, and the package in it
base="$out/bookworm-minbase.tar"
if [ ! -f "$base" ]; then
  gn_say "debootstrap bookworm (minbase) from $(mirror) ..."
  tmp="$out/base.tmp"
  rm -rf "$tmp"
  debootstrap --variant=minbase --include=systemd bookworm "$tmp" "$(mirror)" >>"$out/test.log" 2>&1 \
    || { tail -20 "$out/test.log" >&2; gn_die "debootstrap failed (log: $out/test.log)"; }
  tar -C "$tmp" -cf "$base" .
  rm -rf "$tmp"
fi
root="$out/testroot"
cleanup() {
  for m in proc dev/pts dev; do umount -l "$root/$m" 2>/dev/null || true; done
}
trap cleanup EXIT
cleanup
rm -rf "$root"
mkdir -p "$root"
tar -C "$root" -xf "$base"
mount -t proc proc "$root/proc"
mount --bind /dev "$root/dev"
cp /etc/resolv.conf "$root/etc/resolv.conf"
# nothing the packages install is started in the root
printf '#!/bin/sh\nexit 101\n' >"$root/usr/sbin/policy-rc.d"
chmod 0755 "$root/usr/sbin/policy-rc.d"
cp "$deb" "$root/tmp/"
in_root() { chroot "$root" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 DEBIAN_FRONTEND=noninteractive "$@"; }
if in_root dpkg -i "/tmp/$(basename "$deb")" >>"$out/test.log" 2>&1; then
  pass "dpkg -i: installed (every dependency was already there)"
else
  in_root apt-get update -q >>"$out/test.log" 2>&1 || { tail -20 "$out/test.log" >&2; fail "apt-get update in the root"; }
  in_root apt-get -f install -y -q --no-install-recommends >>"$out/test.log" 2>&1 || { tail -20 "$out/test.log" >&2; fail "apt-get -f install"; }
  pass "dpkg -i, then apt-get -f install: installed with $(in_root dpkg-query -W -f='${Version}' libvirt-daemon) libvirt-daemon"
fi
[ "$(in_root dpkg-query -W -f='${Status}' guestnode)" = "install ok installed" ] || fail "guestnode is not installed"
in_root sh -c 'command -v javac || ls /usr/lib/jvm' >/dev/null 2>&1 && fail "the root has a JDK: the test proves nothing"

# 3. what it installed works
got=$(in_root guestnode --version)
[ "$got" = "guestnode $version" ] || fail "guestnode --version printed '$got', not 'guestnode $version'"
pass "guestnode --version: $got (its own runtime: $(in_root /usr/lib/guestnode/runtime/bin/java -version 2>&1 | head -1))"
in_root mkdir -p /etc/guestnode/domains
for g in 1 2; do
  in_root guestnode template lxc --name "guest$g" --addr "10.250.0.1$g" >"$root/etc/guestnode/domains/guest$g.xml" \
    || fail "guestnode template lxc"
done
check=$(in_root guestnode check /usr/share/doc/guestnode/examples/guests.xml 2>&1) || fail "guestnode check: $check"
pass "guestnode check of the example: $(echo "$check" | tail -1)"
rc=0
in_root guestnode status --socket /run/guestnode/none.sock >/dev/null 2>&1 || rc=$?
[ "$rc" -eq 69 ] || fail "guestnode status without a daemon exited $rc, not 69"
pass "guestnode status without a daemon: exit 69"
# the daemon itself, on its own runtime: up, answering status in crm_mon's XML and in JSON, stopped by SIGTERM
in_root sh -c 'mkdir -p /etc/pacemaker && head -c 4096 /dev/urandom >/etc/pacemaker/authkey && chmod 0600 /etc/pacemaker/authkey'
in_root sh -c 'guestnode run --node-name pkgtest >/tmp/run.log 2>&1 & echo $! >/tmp/run.pid'
up=0
for _ in $(seq 1 100); do
  if in_root guestnode status --output-as xml >"$out/status.xml" 2>/dev/null; then up=1; break; fi
  sleep 0.2
done
[ "$up" -eq 1 ] || { cat "$root/tmp/run.log" >&2; fail "guestnode run did not answer status"; }
grep -q '<pacemaker-result api-version=' "$out/status.xml" || fail "status --output-as xml: $(head -3 "$out/status.xml")"
in_root guestnode status --output-as json | grep -q '"host" : "pkgtest"' || fail "status --output-as json"
kill "$(cat "$root/tmp/run.pid")"
for _ in $(seq 1 50); do kill -0 "$(cat "$root/tmp/run.pid")" 2>/dev/null || break; sleep 0.2; done
grep -q "guestnode stopping" "$root/tmp/run.log" || fail "guestnode run did not stop cleanly: $(tail -3 "$root/tmp/run.log")"
pass "guestnode run in the root: status in crm_mon's XML and JSON, stopped by SIGTERM"
in_root test -s /usr/share/man/man1/guestnode.1.gz || fail "no man page"
pages=$(in_root sh -c 'ls /usr/share/man/man1/guestnode*.1.gz | wc -l')
in_root test -s /usr/share/bash-completion/completions/guestnode || fail "no bash completion"
in_root test -f /etc/default/guestnode -a -d /etc/guestnode/guests.d || fail "no /etc/default/guestnode or guests.d"
pass "$pages manual pages, bash completion, /etc/default/guestnode, /etc/guestnode/guests.d"

# 4. the unit
# (its Documentation= pages are checked above; a minbase root has no man to open them)
if in_root systemd-analyze verify --man=no /lib/systemd/system/guestnode.service >"$out/verify.txt" 2>&1; then
  pass "systemd-analyze verify guestnode.service: no problem$( [ -s "$out/verify.txt" ] && echo " ($(wc -l <"$out/verify.txt") notes: $out/verify.txt)")"
else
  cat "$out/verify.txt" >&2
  fail "systemd-analyze verify guestnode.service"
fi
echo "package test passed in $(( $(date +%s) - t0 )) s: $deb"
