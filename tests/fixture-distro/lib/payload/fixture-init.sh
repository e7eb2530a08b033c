#!/bin/sh
# /init of an initramfs made by the Keel fixture's dracut: loads the boot modules, finds the
# root file system named by root= on the kernel command line, mounts it at /sysroot and
# switches to its init.
#
# Kernel command line: root=UUID=…|LABEL=…|PARTUUID=…|/dev/…  rootfstype=  rootflags=  ro|rw
#   init=PATH (default /sbin/init)  rd.timeout=SECONDS (default 60)  rd.break (shell before
#   switch_root)
#   rd.luks.uuid=UUID  open the LUKS volume UUID as /dev/mapper/root with the key file
#       /etc/keel/luks.key (put there by dracut --include), or, without one, with a passphrase
#       asked on the console ("Enter passphrase for DEVICE: ", three tries), before root= is looked up
#   rd.keel.encrypt=PARTUUID=…|UUID=…|/dev/…  first-boot encryption: when that partition is
#       not LUKS yet, encrypt it in place (cryptsetup reencrypt --encrypt, LUKS2, UUID from
#       rd.luks.uuid, header in the 32 MiB the image left free behind the file system)
#   Live mode (an initramfs made with dracut --add dmsquash-live), after dracut's dmsquash-live:
#   root=live:LABEL=XXX | live:CDLABEL=XXX | live:/dev/…  with rd.live.image
#       waits up to rd.timeout for the device whose file system label is XXX (an iso9660 label is
#       read from its primary volume descriptor; a whole disk wins over its partitions, as a
#       hybrid ISO on a USB stick carries the label on both), mounts it read-only at
#       /run/keel/medium, takes the root image rd.live.dir/rd.live.squashimg (default
#       LiveOS/squashfs.img; a squashimg with a '/' is a path on the medium), squashfs or erofs by
#       its magic number; when the initramfs has /etc/keel/live-root.sha256 ("HEX  PATH") the
#       image's SHA-256 must match before it is mounted; loop-mounts it read-only at
#       /run/rootfsbase, puts an overlay with a tmpfs upper layer (/run/overlayfs) at /sysroot,
#       copies /etc/keel/* of the initramfs to /run/keel/ and switches root. /run moves along, so
#       the running system sees the medium at /run/keel/medium.
export PATH=/bin:/usr/sbin
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

# The fixture's kernel is Debian's: `uname -r` (6.1.0-…-amd64) is not the name of the package's
# module directory (KVER). udev, modprobe and the kernel's own module requests (file systems,
# netfilter) look in /lib/modules/$(uname -r), so the root gets that name as a link to KVER, made
# (or corrected) here before its init starts; a read-only root is remounted read-write for it.
link_module_tree() {
    running=$(uname -r)
    dir=/sysroot/usr/lib/modules
    [ "$running" != "$kver" ] && [ -d "$dir/$kver" ] && [ ! -L "$dir/$kver" ] || return 0
    [ "$(readlink "$dir/$running" 2>/dev/null)" != "$kver" ] || return 0
    [ ! -e "$dir/$running" ] || [ -L "$dir/$running" ] || return 0
    if ln -sfn "$kver" "$dir/$running" 2>/dev/null; then return 0; fi
    if mount -o remount,rw /sysroot 2>/dev/null; then
        ln -sfn "$kver" "$dir/$running" 2>/dev/null || say "cannot link /lib/modules/$running to $kver"
        mount -o remount,ro /sysroot 2>/dev/null
    else
        say "cannot link /lib/modules/$running to $kver (root is read-only)"
    fi
}
while read -r m; do
    insmod "/lib/modules/$kver/$m" 2>/dev/null
done < "/lib/modules/$kver/load-order"

root= fstype= flags= mode=ro init=/sbin/init timeout=60 luks= rdbreak= luks_uuid= encrypt=
live_image= live_dir=LiveOS live_img=squashfs.img
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
        rd.luks.uuid=*) luks_uuid=${arg#rd.luks.uuid=}; luks_uuid=${luks_uuid#luks-} ;;
        rd.keel.encrypt=*) encrypt=${arg#rd.keel.encrypt=} ;;
        rd.luks*) luks="$luks $arg" ;;
        rd.live.image) live_image=1 ;;
        rd.live.dir=*) live_dir=${arg#rd.live.dir=} ;;
        rd.live.squashimg=*) live_img=${arg#rd.live.squashimg=} ;;
    esac
done
[ -n "$root" ] || emergency "no root= on the kernel command line"


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

# The block device a UUID=/LABEL=/PARTUUID=/dev/… spec names.
find_spec() {
    case $1 in
        UUID=*|LABEL=*) findfs "$1" 2>/dev/null ;;
        PARTUUID=*) partuuid_device "${1#PARTUUID=}" ;;
        /dev/*) [ -b "$1" ] && echo "$1" ;;
        *) return 1 ;;
    esac
}

# The block device holding the LUKS volume with UUID $1.
luks_device() {
    for sys in /sys/class/block/*; do
        d=/dev/${sys##*/}
        [ -b "$d" ] || continue
        [ "$(cryptsetup luksUUID "$d" 2>/dev/null)" = "$1" ] && { echo "$d"; return 0; }
    done
    return 1
}

# wait_for COMMAND...: prints the block device COMMAND finds, retrying up to rd.timeout; fails
# after that (the caller starts the emergency shell, outside the command substitution).
wait_for() {
    deadline=$(($(date +%s) + timeout))
    while :; do
        found=$("$@") && [ -n "$found" ] && [ -b "$found" ] && { echo "$found"; return 0; }
        [ "$(date +%s)" -le "$deadline" ] || return 1
        sleep 0.2
    done
}
not_there() { emergency "$1 did not appear within ${timeout}s ($(wc -l < "/lib/modules/$kver/load-order") modules loaded from kernel $kver)"; }

# --- LUKS: first-boot encryption (rd.keel.encrypt) and unlocking (rd.luks.uuid) ---------
key=/etc/keel/luks.key
[ -z "$luks" ] || say "ignoring unsupported options:$luks (the fixture knows rd.luks.uuid)"
if [ -n "$encrypt" ] && [ -z "$luks_uuid" ]; then
    emergency "rd.keel.encrypt=$encrypt needs rd.luks.uuid= (the UUID the new LUKS volume gets)"
fi
# ask_passphrase PROMPT: reads a line from the console without echo into $passphrase.
ask_passphrase() {
    printf '%s' "$1"
    stty -echo 2>/dev/null
    IFS= read -r passphrase
    stty echo 2>/dev/null
    echo
}
# unlock_with KEYSOURCE CRYPTSETUP-ARGS...: runs cryptsetup with the key file, or (no key file: the
# config had a passphrase, which is never put into the initramfs) with a passphrase typed on the
# console, asked up to three times (twice each when encrypting, so a typo cannot lock the disk).
unlock_with() {
    if [ -r "$key" ]; then
        cryptsetup "$@" --key-file "$key"
        return
    fi
    tries=0
    while [ $tries -lt 3 ]; do
        tries=$((tries + 1))
        ask_passphrase "Enter passphrase for $dev_label: "
        if [ "$1" = reencrypt ]; then
            first=$passphrase
            ask_passphrase "Enter the same passphrase again: "
            [ "$first" = "$passphrase" ] || { echo "keel-luks: the passphrases differ"; continue; }
        fi
        printf '%s' "$passphrase" | cryptsetup "$@" --key-file - && { passphrase=; return 0; }
        echo "keel-luks: no key available with this passphrase"
    done
    passphrase=
    return 1
}
if [ -n "$luks_uuid" ]; then
    command -v cryptsetup >/dev/null || emergency "rd.luks.uuid=$luks_uuid but the initramfs has no cryptsetup (install cryptsetup and rebuild it)"
    [ -r "$key" ] || say "rd.luks.uuid=$luks_uuid: no key file in the initramfs; the passphrase is asked on the console"
    # No udev here: libdevmapper makes the /dev/mapper nodes itself.
    export DM_DISABLE_UDEV=1
    mkdir -p /run/cryptsetup
    if [ -n "$encrypt" ]; then
        edev=$(wait_for find_spec "$encrypt") || not_there "partition $encrypt to encrypt"
        dev_label=$edev
        if ! cryptsetup isLuks "$edev"; then
            # PBKDF2 with 1000 iterations for a key file: it is random, so a slow KDF adds
            # nothing but minutes under emulation; a passphrase gets PBKDF2 timed to 2 s.
            iter="--pbkdf-force-iterations 1000"
            [ -r "$key" ] || iter="--iter-time 2000"
            echo "keel-luks: encrypting $edev in place (LUKS2, UUID $luks_uuid); this happens once"
            # shellcheck disable=SC2086
            unlock_with reencrypt --encrypt --type luks2 --reduce-device-size 32M --uuid "$luks_uuid" \
                --pbkdf pbkdf2 $iter --batch-mode "$edev" \
                || emergency "encrypting $edev failed"
            echo "keel-luks: encrypted $edev"
        elif cryptsetup luksDump "$edev" 2>/dev/null | grep -q 'online-reencrypt'; then
            # Power lost mid-way: recover the hot zone from the header's journal, then go on.
            echo "keel-luks: resuming the interrupted encryption of $edev"
            unlock_with repair --batch-mode "$edev" || emergency "recovering the interrupted encryption of $edev failed"
            unlock_with reencrypt --resume-only --batch-mode "$edev" || emergency "resuming the encryption of $edev failed"
            echo "keel-luks: encrypted $edev"
        fi
    fi
    ldev=$(wait_for luks_device "$luks_uuid") || not_there "LUKS volume $luks_uuid"
    dev_label=$ldev
    unlock_with open "$ldev" root || emergency "cannot open $ldev (LUKS $luks_uuid)"
    echo "keel-luks: opened $ldev as /dev/mapper/root"
fi
# ------------------------------------------------------------------------------------------

# --- live: root=live:… (dracut --add dmsquash-live) --------------------------------------
# The iso9660 volume label of device $1 (from the primary volume descriptor at byte 32768,
# 32 characters at offset 40, space-padded), or nothing.
iso_label() {
    [ "$(dd if="$1" bs=1 skip=32769 count=5 2>/dev/null)" = CD001 ] || return 1
    dd if="$1" bs=1 skip=32808 count=32 2>/dev/null | sed 's/ *$//'
}
# The device whose label is $1: an iso9660 whole disk first, then an iso9660 partition, then
# any other file system findfs knows.
medium_device() {
    for pass in disk part; do
        for sys in /sys/class/block/*; do
            d=/dev/${sys##*/}
            [ -b "$d" ] || continue
            if [ -e "$sys/partition" ]; then [ $pass = part ] || continue; else [ $pass = disk ] || continue; fi
            [ "$(iso_label "$d")" = "$1" ] || continue
            if [ $pass = part ]; then
                # The disk may have been unreadable a moment ago (still probing its partitions):
                # ask it again, it wins when it carries the label too.
                disk=$(readlink -f "$sys"); disk=${disk%/*}; disk=/dev/${disk##*/}
                [ -b "$disk" ] && [ "$(iso_label "$disk")" = "$1" ] && d=$disk
            fi
            echo "$d"
            return 0
        done
    done
    findfs "LABEL=$1" 2>/dev/null
}
live_device() {
    case $1 in
        LABEL=*) medium_device "${1#LABEL=}" ;;
        CDLABEL=*) medium_device "${1#CDLABEL=}" ;;
        /dev/*) [ -b "$1" ] && echo "$1" ;;
        *) find_spec "$1" ;;
    esac
}
# The type of the root image $1 by its magic: "hsqs" at 0 (squashfs), 0xE0F5E1E2 at 1024 (erofs).
image_type() {
    [ "$(dd if="$1" bs=4 count=1 2>/dev/null)" = hsqs ] && { echo squashfs; return 0; }
    [ "$(dd if="$1" bs=4 skip=256 count=1 2>/dev/null | od -An -tx1 | tr -d ' \n')" = e2e1f5e0 ] && { echo erofs; return 0; }
    return 1
}
if [ "${root#live:}" != "$root" ]; then
    grep -qx dmsquash-live /etc/dracut-modules 2>/dev/null \
        || emergency "root=$root needs an initramfs made with dracut --add dmsquash-live"
    [ -n "$live_image" ] || say "root=$root without rd.live.image; booting the live image anyway"
    spec=${root#live:}
    say "waiting for the live medium $spec (up to ${timeout}s)"
    mdev=$(wait_for live_device "$spec") || not_there "live medium $spec"
    medium=/run/keel/medium
    mkdir -p $medium
    mount -t iso9660 -o ro "$mdev" $medium 2>/dev/null || mount -o ro "$mdev" $medium \
        || emergency "cannot mount the live medium $mdev on $medium"
    say "mounted $mdev on $medium (ro)"
    case $live_img in */*) rel=${live_img#/} ;; *) rel=${live_dir#/}/$live_img ;; esac
    img=$medium/$rel
    [ -f "$img" ] || emergency "live root $rel is not on the medium $mdev"
    itype=$(image_type "$img") || emergency "live root $rel is neither squashfs nor erofs"
    sums=/etc/keel/live-root.sha256
    if [ -f $sums ]; then
        read -r want wpath < $sums
        wpath=${wpath#\*}; wpath=${wpath#./}; wpath=${wpath#/}
        [ "$wpath" = "$rel" ] || emergency "live root $rel has no digest in $sums (it names $wpath)"
        say "checking the SHA-256 of live root $rel"
        have=$(sha256sum "$img" | cut -d' ' -f1)
        [ "$have" = "$want" ] || emergency "live root $rel does not match its digest"
        say "live root verified"
    fi
    mkdir -p /run/rootfsbase /run/overlayfs/upper /run/overlayfs/work
    mount -t "$itype" -o ro,loop "$img" /run/rootfsbase || emergency "cannot mount live root $rel ($itype)"
    mount -t overlay -o lowerdir=/run/rootfsbase,upperdir=/run/overlayfs/upper,workdir=/run/overlayfs/work \
        LiveOS_rootfs /sysroot || emergency "cannot mount the overlay of live root $rel on /sysroot"
    say "mounted live root $rel ($itype) with a tmpfs overlay on /sysroot"
    if [ -d /etc/keel ]; then
        mkdir -p /run/keel
        cp -a /etc/keel/. /run/keel/
        chmod 0755 /run/keel
    fi
    [ -e "/sysroot$init" ] || [ -L "/sysroot$init" ] || emergency "init $init not found in the live root"
    [ -z "$rdbreak" ] || emergency "rd.break: stopping before switch_root"
    link_module_tree
    for fs in dev proc sys run; do
        mkdir -p "/sysroot/$fs" 2>/dev/null
        mount --move "/$fs" "/sysroot/$fs" 2>/dev/null || umount -l "/$fs"
    done
    exec switch_root /sysroot "$init"
fi

say "waiting for root=$root (up to ${timeout}s)"
dev=$(wait_for find_spec "$root") || not_there "root device $root"
# The same device by its mapping name, so /proc/mounts says /dev/mapper/root (made from sysfs
# when libdevmapper did not make the node).
case $dev in
    /dev/dm-*)
        sysdm=/sys/block/${dev#/dev/}
        if [ -n "$luks_uuid" ] && [ "$(cat "$sysdm/dm/name" 2>/dev/null)" = root ]; then
            if [ ! -b /dev/mapper/root ]; then
                mkdir -p /dev/mapper
                mknod /dev/mapper/root b "$(cut -d: -f1 "$sysdm/dev")" "$(cut -d: -f2 "$sysdm/dev")"
            fi
            dev=/dev/mapper/root
        fi
        ;;
esac

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
link_module_tree

for fs in dev proc sys run; do
    mkdir -p "/sysroot/$fs" 2>/dev/null
    mount --move "/$fs" "/sysroot/$fs" 2>/dev/null || umount -l "/$fs"
done
exec switch_root /sysroot "$init"
