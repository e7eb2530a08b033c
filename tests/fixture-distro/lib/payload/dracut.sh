#!/bin/sh
# /usr/bin/dracut of the Keel fixture distribution: a small initramfs generator with dracut's
# command line for the calls Keel's image engine makes, run inside the target root:
#
#   dracut [--no-hostonly] [--reproducible] [--force|-f] [-q|-v] [--kver KVER]
#          [--add|-a MODULE]... [--include SRC DST]... OUTPUT [KVER]
#
# It writes a gzip-compressed newc cpio holding busybox, the boot modules of KVER (resolved
# through /lib/modules/KVER/modules.dep), /usr/lib/dracut/fixture-init as /init, cryptsetup with
# its libraries when the root has /usr/sbin/cryptsetup (as dracut's crypt module does), and each
# --include file SRC at DST (mode kept; a directory SRC is not supported). One dracut module
# can be added: "--add dmsquash-live" adds the drivers and file systems of an installer
# medium (CD/DVD on AHCI, USB storage, iso9660, squashfs, erofs, loop, overlay), so /init
# boots root=live:LABEL=… (see fixture-init). The output
# is reproducible: sorted file list, mtimes from SOURCE_DATE_EPOCH (or 0), owner root,
# renumbered inodes, no device numbers.
set -eu
export PATH=/usr/sbin:/usr/bin LC_ALL=C
bb=/usr/bin/busybox
me=dracut
die() { echo "$me: $*" >&2; exit 1; }

# Boot modules; missing ones are skipped (a kernel may build them in).
MODULES="virtio_pci virtio_blk virtio_scsi sd_mod virtio_console crc32c_generic crct10dif_generic ext4 xfs fat vfat nls_cp437 nls_ascii nls_utf8 dm_mod dm_crypt xts ecb aesni_intel af_alg algif_skcipher algif_hash"
# --add dmsquash-live: the medium (CD on q35's AHCI, USB stick on xHCI/EHCI), its file system and
# the compressed root on a loop device under an overlay.
LIVE_MODULES="ahci sr_mod cdrom isofs usb_storage uas xhci_pci ehci_pci squashfs erofs loop overlay"
CRYPTSETUP=/usr/sbin/cryptsetup
INIT=/usr/lib/dracut/fixture-init

force=0 kver= output= includes= adds=
nl='
'
while [ $# -gt 0 ]; do
    case $1 in
        --no-hostonly|-N|--reproducible|-q|--quiet|-v|--verbose|--no-hostonly-cmdline) ;;
        -f|--force) force=1 ;;
        --kver) [ $# -ge 2 ] || die "--kver needs a kernel version"; kver=$2; shift ;;
        --kver=*) kver=${1#--kver=} ;;
        -a|--add|--add=*)
            case $1 in
                --add=*) mods=${1#--add=} ;;
                *) [ $# -ge 2 ] || die "$1 needs a dracut module name"; mods=$2; shift ;;
            esac
            # dracut takes a space-separated list too: --add "a b".
            for m in $mods; do
                case $m in
                    dmsquash-live) case " $adds " in *" $m "*) ;; *) adds="$adds $m" ;; esac ;;
                    *) die "--add: unknown dracut module '$m' (the Keel fixture's dracut knows dmsquash-live)" ;;
                esac
            done
            ;;
        --include)
            [ $# -ge 3 ] || die "--include needs a source and a destination (--include SRC DST)"
            case $2$3 in *"$nl"*) die "--include: a path with a newline is not supported" ;; esac
            case $3 in /*) ;; *) die "--include: destination '$3' is not an absolute path" ;; esac
            [ -f "$2" ] || die "--include: '$2' is not a file"
            includes="$includes$2$nl$3$nl"; shift 2 ;;
        --) shift; break ;;
        -*) die "unsupported option '$1' (the Keel fixture's dracut knows --no-hostonly, --reproducible, --force, --kver, --add, --include, -q, -v)" ;;
        *)
            if [ -z "$output" ]; then output=$1
            elif [ -z "$kver" ]; then kver=$1
            else die "unexpected argument '$1' (usage: dracut [options] OUTPUT [KVER])"
            fi
            ;;
    esac
    shift
done
while [ $# -gt 0 ]; do
    if [ -z "$output" ]; then output=$1; elif [ -z "$kver" ]; then kver=$1; else die "unexpected argument '$1'"; fi
    shift
done
[ -n "$output" ] || die "no output file given (usage: dracut [options] OUTPUT [KVER])"
if [ -z "$kver" ]; then
    # Real directories only: a booted fixture machine also has /lib/modules/$(uname -r), a link
    # to its kernel's directory that the initramfs makes (see fixture-init).
    kvers=$(for d in /lib/modules/*; do [ -d "$d" ] && [ ! -L "$d" ] && echo "${d##*/}"; done)
    n=$(echo "$kvers" | $bb sed '/^$/d' | $bb wc -l)
    [ "$n" = 1 ] || die "no kernel version given and /lib/modules has $n kernels; pass --kver KVER"
    kver=$kvers
fi
moddir=/lib/modules/$kver
[ -f "$moddir/modules.dep" ] || die "kernel $kver: $moddir/modules.dep not found (is kernel-modules $kver installed?)"
[ -x $bb ] || die "$bb not found (install busybox)"
[ -f "$INIT" ] || die "$INIT not found (reinstall dracut)"
if [ -e "$output" ] && [ "$force" = 0 ]; then
    die "will not override existing initramfs ($output) without --force"
fi
case $output in /*) ;; *) output=$(pwd)/$output ;; esac
[ -d "${output%/*}" ] || die "output directory ${output%/*} does not exist"

work=$($bb mktemp -d /tmp/dracut.XXXXXX)
trap '$bb rm -rf "$work"' EXIT
root=$work/root
$bb mkdir -p "$root/bin" "$root/dev" "$root/proc" "$root/sys" "$root/run" "$root/tmp" "$root/sysroot" "$root/etc" "$root/lib/modules/$kver"
$bb cp $bb "$root/bin/busybox"
$bb ln -s busybox "$root/bin/sh"
$bb cp "$INIT" "$root/init"
$bb chmod 0755 "$root/init" "$root/bin/busybox"
echo "$kver" > "$root/etc/kver"
# The dracut modules added with --add, one a line (fixture-init reads it).
for m in $adds; do echo "$m" >> "$root/etc/dracut-modules"; done

# Dependencies first; each module once. A modules.dep line names all of a module's
# dependencies, the ones it needs directly first, so they load in reverse order.
: > "$work/order"
add_module() {
    line=$($bb grep -E "(^|/)$1\.ko:" "$moddir/modules.dep" | $bb head -n 1) || true
    if [ -z "$line" ]; then
        alt=$(echo "$1" | $bb tr _ -)
        [ "$alt" = "$1" ] || line=$($bb grep -E "(^|/)$alt\.ko:" "$moddir/modules.dep" | $bb head -n 1) || true
    fi
    [ -n "$line" ] || return 0
    for path in $(echo "${line#*:}" | $bb tr ' ' '\n' | $bb sed '/^$/d' | $bb tac) "${line%%:*}"; do
        $bb grep -qxF "$path" "$work/order" || echo "$path" >> "$work/order"
    done
}
modules=$MODULES
case " $adds " in *" dmsquash-live "*) modules="$modules $LIVE_MODULES" ;; esac
for m in $modules; do add_module "$m"; done
while read -r path; do
    case $path in *.ko) ;; *) die "module $path is compressed; the fixture initramfs loads only .ko files" ;; esac
    $bb mkdir -p "$root/lib/modules/$kver/${path%/*}"
    $bb cp "$moddir/$path" "$root/lib/modules/$kver/$path"
done < "$work/order"
$bb cp "$work/order" "$root/lib/modules/$kver/load-order"
$bb cp "$moddir/modules.dep" "$root/lib/modules/$kver/modules.dep"

# cryptsetup and the libraries the dynamic loader resolves for it, each at the path the loader
# printed (dereferenced); a binary the loader cannot list (a stand-in script) goes in alone.
if [ -e "$CRYPTSETUP" ]; then
    $bb mkdir -p "$root/usr/sbin"
    $bb cp -L "$CRYPTSETUP" "$root/usr/sbin/cryptsetup"
    if [ "$($bb head -c 4 "$CRYPTSETUP" | $bb od -An -c | $bb tr -d ' ')" = '177ELF' ]; then
        libs=$(/lib64/ld-linux-x86-64.so.2 --list "$CRYPTSETUP") || die "cannot list the libraries of $CRYPTSETUP"
        for lib in $(echo "$libs" | $bb awk '$2 == "=>" && $3 ~ /^\// {print $3} $1 ~ /^\// {print $1}' | LC_ALL=C $bb sort -u); do
            $bb mkdir -p "$root${lib%/*}"
            $bb cp -L "$lib" "$root$lib"
        done
    fi
fi

# --include SRC DST pairs.
printf '%s' "$includes" | while read -r src && read -r dst; do
    $bb mkdir -p "$root${dst%/*}"
    $bb cp -L "$src" "$root$dst"
    $bb chmod "$($bb stat -L -c %a "$src")" "$root$dst"
done

epoch=${SOURCE_DATE_EPOCH:-0}
(cd "$root" && $bb find . -exec $bb touch -h -d "@$epoch" {} +)
(cd "$root" && $bb find . -mindepth 1 | $bb sed 's|^\./||' | LC_ALL=C $bb sort \
    | $bb cpio -o -H newc -R 0:0 --ignore-devno --renumber-inodes 2>/dev/null) | $bb gzip -9 > "$output.tmp.$$" \
    || { $bb rm -f "$output.tmp.$$"; die "writing $output failed"; }
$bb mv -f "$output.tmp.$$" "$output"
