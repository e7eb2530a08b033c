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
# / read-write, unless it is already (an overlay live root, or the initramfs itself: rootfs
# cannot be remounted).
root_opts=$($bb awk '$2 == "/" {o = $4} END {print o}' /proc/mounts 2>/dev/null)
case ,$root_opts, in
    *,rw,*) ;;
    *) $bb mount -o remount,rw / || say "cannot remount / read-write" ;;
esac

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
# When / is the initramfs itself (a live system kept all in RAM), no initramfs stage loaded the
# disk, network and file system drivers: load every module of the tree, as udev's coldplug
# would for the hardware present.
root_type=$($bb awk '$2 == "/" {t = $3} END {print t}' /proc/mounts 2>/dev/null)
case $root_type in
    rootfs|ramfs|tmpfs)
        if [ -n "$kdir" ] && [ -f "$kdir/modules.order" ]; then
            # modules.order lists dependencies first (kernel-modules writes it so); one insmod
            # each, a module already loaded just fails.
            while read -r path; do
                $bb insmod "$kdir/$path" 2>/dev/null
            done < "$kdir/modules.order"
            say "loaded the modules of ${kdir##*/} (/ is the initramfs)"
        fi
        ;;
esac

# The firmware's variables, as systemd mounts them on a UEFI boot (efibootmgr needs them).
if [ -d /sys/firmware/efi ]; then
    [ -z "$kdir" ] || load_module efivarfs
    if mounted /sys/firmware/efi/efivars || $bb mount -t efivarfs efivarfs /sys/firmware/efi/efivars 2>/dev/null; then
        say "mounted /sys/firmware/efi/efivars (efivarfs)"
    else
        say "NOT mounted: /sys/firmware/efi/efivars (efivarfs)"
    fi
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

# Networking the systemd-networkd way: every /etc/systemd/network/*.network whose [Match] Name=
# globs and DHCP=yes|ipv4 bring the matching interfaces (never lo) up with busybox udhcpc, a
# few seconds each at most; the lease's address, default route and DNS servers are set by
# /usr/lib/systemd/fixture-udhcpc. Other keys are not read.
network_files=$(ls -1 /etc/systemd/network/*.network 2>/dev/null | LC_ALL=C $bb sort)
if [ -n "$network_files" ]; then
    # virtio_pci is the transport of a virtio NIC (the initramfs loads it; not when / is the initramfs).
    [ -z "$kdir" ] || { load_module virtio_pci; load_module virtio_net; }
    $bb mkdir -p /run/fixture-rc
    configured=" "
    for file in $network_files; do
        names= dhcp=
        section=
        while IFS= read -r line; do
            line=$(echo "$line" | $bb sed 's/^[[:space:]]*//; s/[[:space:]]*$//')
            case $line in
                \[*\]) section=$line ;;
                Name=*) [ "$section" = "[Match]" ] && names="$names ${line#Name=}" ;;
                DHCP=*) [ "$section" = "[Network]" ] && dhcp=${line#DHCP=} ;;
            esac
        done < "$file"
        case $dhcp in yes|true|ipv4|1) ;; *) continue ;; esac
        for sys in /sys/class/net/*; do
            ifname=${sys##*/}
            [ "$ifname" != lo ] && [ -e "$sys" ] || continue
            case $configured in *" $ifname "*) continue ;; esac
            match=
            if [ -z "$names" ]; then match=1; fi
            set -f # the globs are patterns for the name, not for files
            for glob in $names; do
                case $ifname in $glob) match=1 ;; esac
            done
            set +f
            [ -n "$match" ] || continue
            configured="$configured$ifname "
            $bb ip link set "$ifname" up 2>/dev/null
            $bb rm -f "/run/fixture-rc/lease.$ifname"
            $bb udhcpc -i "$ifname" -n -q -f -t 3 -T 1 -s /usr/lib/systemd/fixture-udhcpc >/dev/null 2>&1
            if [ -s "/run/fixture-rc/lease.$ifname" ]; then
                say "$($bb cat "/run/fixture-rc/lease.$ifname")"
            else
                say "$ifname: no DHCP lease"
            fi
        done
    done
fi

# Services enabled the systemd way (systemctl --root R enable UNIT), target by target in boot order
# (sysinit, basic, multi-user, then the rest). In each target, the units that are not Type=oneshot
# start first, their first ExecStart= in the background; then its Type=oneshot units run one after
# the other in sorted order, each ExecStart= line in turn, in the foreground: the boot waits for
# them, as systemd orders units after them. A unit's output goes to the console; its input is the
# console when it says StandardInput=tty (tty-force, tty-fail; an installer that asks a question),
# else /dev/null, as with systemd. Before=/After= are not read: the target order stands in for them.
unit_file() { # LINK: the unit file it names, or nothing
    name=${1##*/}
    for unit in "$1" "/etc/systemd/system/$name" "/usr/lib/systemd/system/$name"; do
        [ -f "$unit" ] && { echo "$unit"; return 0; }
    done
    return 1
}
start_unit() { # LINK MODE: MODE "background" starts the other units, "oneshot" runs the oneshot ones
    link=$1 mode=$2
    name=${link##*/}
    if ! unit=$(unit_file "$link"); then
        [ "$mode" = background ] && say "$name: unit file not found"
        return
    fi
    if $bb grep -q '^Type=oneshot' "$unit"; then
        [ "$mode" = oneshot ] || return
    else
        [ "$mode" = background ] || return
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
    if [ "$mode" = oneshot ]; then
        input=/dev/null
        $bb grep -Eq '^StandardInput=tty(-force|-fail)?$' "$unit" && input=/dev/console
        echo "$commands" | while IFS= read -r command; do
            /bin/sh -c "exec $command" <"$input" >/dev/console 2>&1 || say "$name: '$command' exited with $?"
        done
    else
        $bb setsid /bin/sh -c "exec $(echo "$commands" | $bb head -n 1)" </dev/null >/dev/console 2>&1 &
    fi
}
start_target() { # DIR: the .target.wants directory
    for mode in background oneshot; do
        for link in "$1"/*.service; do
            [ -e "$link" ] || [ -L "$link" ] || continue
            start_unit "$link" "$mode"
        done
    done
}
for target in sysinit basic multi-user; do
    start_target "/etc/systemd/system/$target.target.wants"
done
for wants in /etc/systemd/system/*.target.wants; do
    case ${wants##*/} in sysinit.target.wants|basic.target.wants|multi-user.target.wants) continue ;; esac
    [ -d "$wants" ] && start_target "$wants"
done

# Boot scripts: every executable in /etc/rc.d/boot.d, in sorted order.
for script in $(ls -1 /etc/rc.d/boot.d 2>/dev/null | LC_ALL=C $bb sort); do
    path=/etc/rc.d/boot.d/$script
    [ -f "$path" ] && [ -x "$path" ] || continue
    say "running boot.d/$script"
    "$path" || say "boot.d/$script exited with $?"
done

say "boot finished"
# Pre-login text the system adds (SSH host key fingerprints, the installer's hints), as agetty
# shows /etc/issue.d/*.issue.
for issue in $(ls -1 /etc/issue.d/*.issue 2>/dev/null | LC_ALL=C $bb sort); do
    [ -f "$issue" ] && $bb cat "$issue"
done
exit 0
