#!/bin/sh
# /init of an initramfs made by the Keel fixture's dracut: loads the boot modules, finds the
# root file system named by root= on the kernel command line, mounts it at /sysroot and
# switches to its init.
#
# Kernel command line: root=UUID=…|LABEL=…|PARTUUID=…|/dev/…  rootfstype=  rootflags=  ro|rw
#   init=PATH (default /sbin/init)  rd.timeout=SECONDS (default 60)  rd.break (shell before
#   switch_root)  rd.luks.* (hook below; not implemented)
export PATH=/bin
/bin/busybox --install -s /bin
mount -t devtmpfs devtmpfs /dev
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t tmpfs -o mode=0755,nosuid,nodev tmpfs /run
exec </dev/console >/dev/console 2>&1

say() { echo "fixture-dracut: $*"; }
emergency() {
    say "$*"
    say "starting an emergency shell; exit it to power off"
    setsid -c sh -i 2>/dev/null || sh -i
    poweroff -f
}

kver=$(cat /etc/kver)
while read -r m; do
    insmod "/lib/modules/$kver/$m" 2>/dev/null
done < "/lib/modules/$kver/load-order"

root= fstype= flags= mode=ro init=/sbin/init timeout=60 luks= rdbreak=
for arg in $(cat /proc/cmdline); do
    case $arg in
        root=*) root=${arg#root=} ;;
        rootfstype=*) fstype=${arg#rootfstype=} ;;
        rootflags=*) flags=${arg#rootflags=} ;;
        ro) mode=ro ;;
        rw) mode=rw ;;
        init=*) init=${arg#init=} ;;
        rd.timeout=*) timeout=${arg#rd.timeout=} ;;
        rd.break) rdbreak=1 ;;
        rd.luks*) luks="$luks $arg" ;;
    esac
done
[ -n "$root" ] || emergency "no root= on the kernel command line"

# --- LUKS hook (rd.luks.uuid=, rd.luks.name=, rd.luks.key=) --------------------------------
# NOT IMPLEMENTED: a real initramfs unlocks the volumes here (cryptsetup open) so that root=
# can name the opened mapping. dm_mod and dm_crypt are loaded above for that purpose.
if [ -n "$luks" ]; then
    say "rd.luks options given ($luks ) but LUKS unlocking is not implemented in the fixture initramfs"
fi
# ------------------------------------------------------------------------------------------

# The GPT partition whose unique GUID is $1, as /dev/NAME. One read of each disk's entry
# array; the first three GUID fields are stored little-endian.
partuuid_device() {
    want=$(echo "$1" | tr 'A-F' 'a-f')
    for sys in /sys/block/*; do
        disk=/dev/${sys##*/}
        [ -b "$disk" ] || continue
        [ "$(dd if="$disk" bs=8 skip=64 count=1 2>/dev/null)" = "EFI PART" ] || continue
        # GPT header at byte 512: entries LBA (8 bytes at 72), entry count (80), entry size (84).
        set -- $(dd if="$disk" bs=8 skip=73 count=2 2>/dev/null | od -An -tu4)
        lba=$1 count=$3 size=$4
        [ "$count" -le 128 ] || count=128
        n=$(dd if="$disk" bs=512 skip="$lba" count=$(((count * size + 511) / 512)) 2>/dev/null \
            | od -An -v -tx1 | tr -d ' \n' | awk -v size="$size" -v count="$count" -v want="$want" '{
                for (i = 0; i < count; i++) {
                    h = substr($0, i * size * 2 + 33, 32)
                    g = substr(h, 7, 2) substr(h, 5, 2) substr(h, 3, 2) substr(h, 1, 2) "-" \
                        substr(h, 11, 2) substr(h, 9, 2) "-" substr(h, 15, 2) substr(h, 13, 2) "-" \
                        substr(h, 17, 4) "-" substr(h, 21, 12)
                    if (g == want) { print i + 1; exit }
                }
            }')
        [ -n "$n" ] || continue
        for p in "$sys"/*/partition; do
            if [ "$(cat "$p")" = "$n" ]; then d=${p%/partition}; echo "/dev/${d##*/}"; return 0; fi
        done
    done
    return 1
}

find_root() {
    case $root in
        UUID=*|LABEL=*) findfs "$root" 2>/dev/null ;;
        PARTUUID=*) partuuid_device "${root#PARTUUID=}" ;;
        /dev/*) [ -b "$root" ] && echo "$root" ;;
        *) return 1 ;;
    esac
}

say "waiting for root=$root (up to ${timeout}s)"
deadline=$(($(date +%s) + timeout)) dev=
while :; do
    dev=$(find_root) && [ -n "$dev" ] && [ -b "$dev" ] && break
    [ "$(date +%s)" -le "$deadline" ] || emergency "root device $root did not appear within ${timeout}s ($(wc -l < "/lib/modules/$kver/load-order") modules loaded from kernel $kver)"
    sleep 0.2
done

opts=$mode
[ -z "$flags" ] || opts=$opts,$flags
if [ -n "$fstype" ]; then
    mount -t "$fstype" -o "$opts" "$dev" /sysroot || emergency "cannot mount $dev ($fstype) on /sysroot"
else
    mount -o "$opts" "$dev" /sysroot || emergency "cannot mount $dev on /sysroot"
fi
say "mounted $dev on /sysroot ($opts)"
[ -e "/sysroot$init" ] || [ -L "/sysroot$init" ] || emergency "init $init not found in the root file system"
[ -z "$rdbreak" ] || emergency "rd.break: stopping before switch_root"

for fs in dev proc sys run; do
    mkdir -p "/sysroot/$fs" 2>/dev/null
    mount --move "/$fs" "/sysroot/$fs" 2>/dev/null || umount -l "/$fs"
done
exec switch_root /sysroot "$init"
