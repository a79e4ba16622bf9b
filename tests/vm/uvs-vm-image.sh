#!/bin/bash
# tests/vm/uvs-vm-image.sh — builds (once) the tiny guest the vhost-user VM test boots: Debian's
# cloud kernel and a busybox initramfs with the virtio-net modules, both from Debian packages
# (apt-get download; nothing else is fetched). Prints the directory holding vmlinuz and initrd.gz.
#
# Usage: uvs-vm-image.sh [CACHE_DIR]     (default /var/cache/uvs-vm; $UVS_VM_CACHE overrides)
#
# The result is cached in CACHE_DIR/<kernel version>/ and reused while the init script below is
# unchanged (its checksum is part of the stamp), so later runs take no time.
#
# The guest's /init reads its job from the kernel command line:
#   uvs.ip=A/LEN    address for eth0          uvs.peer=B    address to ping (the host side)
#   uvs.hold=S      seconds to stay up after the pings (the host pings the guest meanwhile)
#   uvs.tcp=PORT    after the pings, send one line over TCP to PEER:PORT (busybox nc)
# and prints "GUEST: FIRST_PING_OK", "GUEST: PING_FAILED", "GUEST: PINGS n/m", "GUEST: TCP_SENT"
# or "GUEST: TCP_FAILED" and "GUEST: POWEROFF" on the serial console (ttyS0), then powers off.
set -eu

CACHE=${1:-${UVS_VM_CACHE:-/var/cache/uvs-vm}}
# In dependency order (modinfo -F depends): the initramfs has no modprobe.
MODS="virtio_ring virtio virtio_pci_modern_dev virtio_pci_legacy_dev virtio_pci failover \
net_failover virtio_net"

die() { echo "uvs-vm-image: $*" >&2; exit 1; }

init_script() {
    cat <<EOF
#!/bin/busybox sh
/bin/busybox --install -s /bin
mount -t proc proc /proc; mount -t sysfs sysfs /sys; mount -t devtmpfs devtmpfs /dev
IP=10.0.0.2/24; PEER=10.0.0.1; HOLD=0; TCP=
for a in \$(cat /proc/cmdline); do
  case \$a in uvs.ip=*) IP=\${a#uvs.ip=};; uvs.peer=*) PEER=\${a#uvs.peer=};;
              uvs.hold=*) HOLD=\${a#uvs.hold=};; uvs.tcp=*) TCP=\${a#uvs.tcp=};; esac
done
for m in $MODS; do insmod /lib/modules/\$m.ko || echo "GUEST: insmod \$m failed"; done
i=0; while [ ! -e /sys/class/net/eth0 ] && [ \$i -lt 100 ]; do sleep 0.1; i=\$((i+1)); done
ip link set lo up; ip link set eth0 up; ip addr add \$IP dev eth0
echo "GUEST: eth0 \$(cat /sys/class/net/eth0/address) up at \$(cut -d' ' -f1 /proc/uptime)s"
ok=0; i=0
while [ \$i -lt 60 ]; do
  if ping -c 1 -W 1 \$PEER >/dev/null 2>&1; then ok=1; break; fi
  i=\$((i+1))
done
if [ \$ok = 1 ]; then
  echo "GUEST: FIRST_PING_OK at \$(cut -d' ' -f1 /proc/uptime)s"
  n=\$(ping -c 5 -i 0.2 -W 1 \$PEER | grep -o '[0-9]* packets received' | cut -d' ' -f1)
  echo "GUEST: PINGS \${n:-0}/5"
  if [ -n "\$TCP" ]; then
    echo "uvs-tcp-ok \$(cat /sys/class/net/eth0/address)" | nc -w 3 \$PEER \$TCP \
      && echo "GUEST: TCP_SENT" || echo "GUEST: TCP_FAILED"
  fi
else
  echo "GUEST: PING_FAILED"
fi
[ "\$HOLD" != 0 ] && sleep \$HOLD
echo "GUEST: rx_packets=\$(cat /sys/class/net/eth0/statistics/rx_packets)" \
     "tx_packets=\$(cat /sys/class/net/eth0/statistics/tx_packets)"
echo "GUEST: POWEROFF"
poweroff -f
EOF
}

command -v apt-get >/dev/null || die "needs apt-get (Debian) to fetch the kernel and busybox"
KPKG=$(apt-cache depends linux-image-cloud-amd64 2>/dev/null \
       | sed -n 's/.*Depends: \(linux-image-[^ ]*-cloud-amd64\).*/\1/p' | head -1)
[ -n "$KPKG" ] || die "cannot find Debian's cloud kernel package (apt-cache depends linux-image-cloud-amd64)"
KVER=${KPKG#linux-image-}
SUM=$(init_script | md5sum | cut -c1-12)
OUT=$CACHE/$KVER
if [ -f "$OUT/stamp" ] && [ "$(cat "$OUT/stamp")" = "$SUM" ] && [ -f "$OUT/vmlinuz" ] \
   && [ -f "$OUT/initrd.gz" ]; then
    echo "$OUT"
    exit 0
fi

mkdir -p "$OUT"
W=$(mktemp -d "$CACHE/build.XXXXXX")
trap 'rm -rf "$W"' EXIT
(cd "$W" && apt-get download "$KPKG" busybox-static >/dev/null 2>"$W/apt.err") \
    || die "apt-get download $KPKG busybox-static failed: $(tail -1 "$W/apt.err")"
dpkg -x "$W"/linux-image-*.deb "$W/k"
dpkg -x "$W"/busybox-static_*.deb "$W/bb"
R=$W/root
mkdir -p "$R"/{bin,sbin,proc,sys,dev,lib/modules,etc}
cp "$W/bb/bin/busybox" "$R/bin/busybox"
for m in $MODS; do
    f=$(find "$W/k/lib/modules/$KVER/kernel" -name "$m.ko" | head -1)
    [ -n "$f" ] || die "module $m.ko not in $KPKG"
    cp "$f" "$R/lib/modules/"
done
init_script > "$R/init"
chmod +x "$R/init"
(cd "$R" && find . | "$W/bb/bin/busybox" cpio -o -H newc 2>/dev/null | gzip -6) > "$OUT/initrd.gz"
cp "$W/k/boot/vmlinuz-$KVER" "$OUT/vmlinuz"
echo "$SUM" > "$OUT/stamp"
echo "$OUT"
