#!/usr/bin/env bash
# Builds the guest of the --guestfwd test: a hybrid ISO (the installer medium's layout) booting a UKI of the host's
# Debian kernel and a busybox initramfs that takes a DHCP lease on virtio-net, fetches http://10.0.2.100/token three
# times (one connection each), tries the same server through the gateway's address (which restrict=on must block),
# prints NETTEST lines and powers off.
#
#   net-guest/build.sh DEST.iso
set -euo pipefail

dest=$(realpath -m -- "$1")
work=$(mktemp -d)
trap 'rm -rf -- "$work"' EXIT
kernel=$(ls -1 /boot/vmlinuz-* | sort -V | tail -n 1)
version=${kernel#/boot/vmlinuz-}
stub=/usr/lib/systemd/boot/efi/linuxx64.efi.stub
for t in busybox objcopy objdump cpio mkfs.vfat mmd mcopy xorriso; do
    command -v "$t" >/dev/null || { echo "net-guest: $t not found; run scripts/setup-host.sh" >&2; exit 1; }
done

root=$work/root
mkdir -p "$root/bin" "$root/dev" "$root/proc" "$root/sys" "$root/lib/modules"
cp "$(command -v busybox)" "$root/bin/busybox"
# virtio-net and what it needs, in load order.
for m in drivers/virtio/virtio_ring drivers/virtio/virtio drivers/virtio/virtio_pci_modern_dev \
         drivers/virtio/virtio_pci_legacy_dev drivers/virtio/virtio_pci net/core/failover drivers/net/net_failover drivers/net/virtio_net; do
    src=/lib/modules/$version/kernel/$m.ko
    [[ -f $src ]] || continue # built in
    cp "$src" "$root/lib/modules/"
    echo "${m##*/}.ko" >>"$root/lib/modules/order"
done
cat >"$root/init" <<'INIT'
#!/bin/busybox sh
/bin/busybox --install -s /bin
mount -t devtmpfs devtmpfs /dev; mount -t proc proc /proc; mount -t sysfs sysfs /sys
exec </dev/console >/dev/console 2>&1
for m in $(cat /lib/modules/order); do insmod /lib/modules/$m 2>/dev/null; done
tries=0
while [ ! -e /sys/class/net/eth0 ] && [ $tries -lt 50 ]; do sleep 0.1; tries=$((tries + 1)); done
ip link set lo up
ip link set eth0 up
printf '#!/bin/sh\n[ "$1" = bound ] && ip addr add $ip/$mask dev $interface && echo "NETTEST lease $ip/$mask router=$router dns=$dns" >/dev/console\n' >/bin/dhcp
chmod +x /bin/dhcp
udhcpc -i eth0 -n -q -t 5 -s /bin/dhcp >/dev/null 2>&1 || echo "NETTEST no lease"
get() { printf 'GET /token HTTP/1.0\r\n\r\n' | timeout 10 nc "$1" "$2" | tail -n 1; }
for n in 1 2 3; do reply=$(get 10.0.2.100 80); echo "NETTEST fetch$n: $reply"; done
# The reply ends with the host port the server listens on; unrestricted, 10.0.2.2 would reach it on the host.
echo "NETTEST gateway: $(get 10.0.2.2 "${reply##* }")"
echo "NETTEST done"
poweroff -f
INIT
chmod +x "$root/init"
(cd "$root" && find . | cpio --quiet -o -H newc -R 0:0) >"$work/initrd.cpio"

printf 'ID=keel-net-guest\n' >"$work/osrel"
printf 'console=ttyS0 quiet panic=-1' >"$work/cmdline"
align=4096
end=$(objdump -h "$stub" | awk 'NF == 7 && $1 ~ /^[0-9]+$/ { print $3, $4 }' | while read -r size vma; do
    echo $((16#$vma + 16#$size))
done | sort -n | tail -n 1)
next_vma() { echo $((($1 + align - 1) / align * align)); }
osrel=$(next_vma "$end")
cmdline=$(next_vma $((osrel + $(stat -c %s "$work/osrel"))))
linux=$(next_vma $((cmdline + $(stat -c %s "$work/cmdline"))))
initrd=$(next_vma $((linux + $(stat -Lc %s "$kernel"))))
objcopy \
    --add-section .osrel="$work/osrel" --change-section-vma .osrel="$(printf 0x%x "$osrel")" \
    --add-section .cmdline="$work/cmdline" --change-section-vma .cmdline="$(printf 0x%x "$cmdline")" \
    --add-section .linux="$kernel" --change-section-vma .linux="$(printf 0x%x "$linux")" \
    --add-section .initrd="$work/initrd.cpio" --change-section-vma .initrd="$(printf 0x%x "$initrd")" \
    "$stub" "$work/uki.efi"

mkfs.vfat -C -n NETESP "$work/esp.img" 32768 >/dev/null
mmd -i "$work/esp.img" ::/EFI ::/EFI/BOOT
mcopy -i "$work/esp.img" "$work/uki.efi" ::/EFI/BOOT/BOOTX64.EFI
mkdir "$work/tree"
echo "keel net guest" >"$work/tree/README"
xorriso -as mkisofs -o "$work/net.iso" -R -J -V KEELNET -iso-level 3 \
    -append_partition 2 C12A7328-F81F-11D2-BA4B-00A0C93EC93B "$work/esp.img" -appended_part_as_gpt \
    -e --interval:appended_partition_2:all:: -no-emul-boot -partition_offset 16 "$work/tree" 2>/dev/null
mv -- "$work/net.iso" "$dest"
