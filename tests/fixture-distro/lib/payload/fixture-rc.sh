#!/bin/sh
# /usr/lib/systemd/fixture-rc: the boot script of the Keel fixture's init (busybox init runs
# it once, from /etc/inittab, before the getty on ttyS0). It does the few things systemd
# would do for the fixture's images, and prints "fixture-init: ..." lines on the console.
export PATH=/usr/sbin:/usr/bin
bb=/usr/bin/busybox
say() { echo "fixture-init: $*"; }

mounted() { $bb grep -q " $1 " /proc/mounts 2>/dev/null; }
mounted /proc || $bb mount -t proc proc /proc
mounted /sys || $bb mount -t sysfs sysfs /sys
mounted /dev || $bb mount -t devtmpfs devtmpfs /dev
$bb mkdir -p /dev/pts /dev/shm
mounted /dev/pts || $bb mount -t devpts -o gid=5,mode=620 devpts /dev/pts
mounted /run || $bb mount -t tmpfs -o mode=0755,nosuid,nodev tmpfs /run
mounted /tmp || $bb mount -t tmpfs -o mode=1777,nosuid,nodev tmpfs /tmp
$bb mount -o remount,rw / || say "cannot remount / read-write"

# Modules for what fstab may mount (the ESP's vfat and its code pages). The running kernel's
# release differs from the package's directory name, so the newest module tree is used.
kdir=/lib/modules/$($bb uname -r)
[ -f "$kdir/modules.dep" ] || kdir=$(ls -1d /lib/modules/*/ 2>/dev/null | $bb sort -V | $bb tail -n 1)
kdir=${kdir%/}
load_module() { # NAME: insmod NAME after its modules.dep dependencies (listed all, loaded in reverse)
    line=$($bb grep -E "(^|/)$1\.ko:" "$kdir/modules.dep" 2>/dev/null | $bb head -n 1)
    [ -n "$line" ] || return 0
    for path in $(echo "${line#*:}" | $bb tr ' ' '\n' | $bb sed '/^$/d' | $bb tac) "${line%%:*}"; do
        name=${path##*/}
        name=$(echo "${name%.ko}" | $bb tr - _)
        $bb grep -q "^$name " /proc/modules || $bb insmod "$kdir/$path" 2>/dev/null
    done
}
if [ -n "$kdir" ]; then
    for m in fat vfat nls_cp437 nls_ascii nls_utf8; do load_module "$m"; done
fi

# Directories of tmpfiles.d "d" lines (e.g. sshd's /run/sshd).
for conf in /usr/lib/tmpfiles.d/*.conf /etc/tmpfiles.d/*.conf; do
    [ -f "$conf" ] || continue
    while read -r type path mode user group _; do
        case $type in
            d|D)
                $bb mkdir -p "$path"
                [ "$mode" = "-" ] || $bb chmod "$mode" "$path"
                ;;
        esac
    done < "$conf"
done

if [ -f /etc/fstab ]; then
    mount -a || say "mount -a failed (see above)"
    while read -r spec mnt _; do
        case $spec in ''|\#*) continue ;; esac
        [ "$mnt" != none ] && [ "$mnt" != swap ] || continue
        if mounted "$mnt"; then say "mounted $mnt ($spec)"; else say "NOT mounted: $mnt ($spec)"; fi
    done < /etc/fstab
fi

if [ -s /etc/hostname ]; then
    $bb hostname "$($bb head -n 1 /etc/hostname)"
fi
say "hostname $($bb hostname)"

if [ ! -s /etc/machine-id ]; then
    $bb od -An -N16 -tx1 /dev/urandom | $bb tr -d ' \n' > /etc/machine-id
    echo >> /etc/machine-id
    say "machine-id $($bb cat /etc/machine-id)"
fi

if [ -x /usr/sbin/sshd ] && [ -x /usr/bin/ssh-keygen ]; then
    /usr/bin/ssh-keygen -A >/dev/null 2>&1 && say "ssh host keys present" || say "ssh-keygen -A failed"
fi

# Services enabled the systemd way (systemctl --root R enable UNIT), target by target in boot order
# (sysinit, basic, multi-user, then the rest). A Type=oneshot unit runs all its ExecStart= lines in turn
# and the boot waits for it, as systemd orders units after it; any other unit starts its first
# ExecStart= in the background. Before=/After= are not read: the target order stands in for them.
start_unit() {
    link=$1
    name=${link##*/}
    unit=$link
    [ -f "$unit" ] || unit=/etc/systemd/system/$name
    [ -f "$unit" ] || unit=/usr/lib/systemd/system/$name
    if [ ! -f "$unit" ]; then
        say "$name: unit file not found"
        return
    fi
    # systemd's prefixes (-, @, +, !) do not concern this init.
    commands=$($bb sed -n 's/^ExecStart=[-@+!:]*//p' "$unit")
    binary=$(echo "$commands" | $bb head -n 1)
    binary=${binary%% *}
    if [ -z "$binary" ] || [ ! -x "$binary" ]; then
        say "$name: ExecStart binary missing"
        return
    fi
    say "starting $name"
    if $bb grep -q '^Type=oneshot' "$unit"; then
        echo "$commands" | while IFS= read -r command; do
            /bin/sh -c "exec $command" </dev/null >/dev/console 2>&1 || say "$name: '$command' exited with $?"
        done
    else
        $bb setsid /bin/sh -c "exec $(echo "$commands" | $bb head -n 1)" </dev/null >/dev/console 2>&1 &
    fi
}
for target in sysinit basic multi-user; do
    for link in /etc/systemd/system/$target.target.wants/*.service; do
        [ -e "$link" ] || [ -L "$link" ] || continue
        start_unit "$link"
    done
done
for wants in /etc/systemd/system/*.target.wants; do
    case ${wants##*/} in sysinit.target.wants|basic.target.wants|multi-user.target.wants) continue ;; esac
    for link in "$wants"/*.service; do
        [ -e "$link" ] || [ -L "$link" ] || continue
        start_unit "$link"
    done
done

# Boot scripts: every executable in /etc/rc.d/boot.d, in sorted order.
for script in $(ls -1 /etc/rc.d/boot.d 2>/dev/null | LC_ALL=C $bb sort); do
    path=/etc/rc.d/boot.d/$script
    [ -f "$path" ] && [ -x "$path" ] || continue
    say "running boot.d/$script"
    "$path" || say "boot.d/$script exited with $?"
done

say "boot finished"
exit 0
