#!/usr/bin/env bash
# Builds a tiny bootable UEFI test disk for `keel vm run` (see docs/vm.md).
#
#   tests/boot-fixture/build.sh [--force] [DEST]
#
# DEST is the raw GPT disk image to write; it defaults to .work/boot-fixture/disk.raw in the
# repository. Everything is made in user space (no root, no loop devices, no mounts):
#   - an initramfs (cpio newc) holding busybox-static, the virtio/vfat kernel modules and an
#     /init script (init.sh beside this file),
#   - a unified kernel image (UKI): the host's Debian kernel, that initramfs and the kernel
#     command line glued onto systemd's EFI stub with objcopy,
#   - a FAT EFI system partition holding the UKI as EFI/BOOT/BOOTX64.EFI (mkfs.vfat + mtools),
#   - a GPT disk (sgdisk) with that ESP and a 1 MiB scratch partition the guest writes a boot
#     counter into, so tests can tell whether guest writes reached the image.
# A second run with unchanged inputs does nothing (DEST.stamp holds the input hash). DEST is
# written to a temporary file and renamed into place, so it is never half-built.
#
# Environment:
#   KEEL_BOOT_FIXTURE_KERNEL  the kernel to use (default: newest /boot/vmlinuz-*)
set -euo pipefail

readonly FIXTURE_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
readonly REPO_ROOT=$(cd "$FIXTURE_DIR/../.." && pwd)
readonly STUB=/usr/lib/systemd/boot/efi/linuxx64.efi.stub
readonly BUSYBOX=/bin/busybox
readonly CMDLINE='console=ttyS0 quiet panic=-1'
# Modules the guest needs to see the virtio disks and read a vfat NoCloud seed; their
# dependencies are added from modules.dep. FAT's default codepage is 437, iocharset ascii.
readonly MODULES=(virtio_pci virtio_blk vfat nls_cp437 nls_ascii)
readonly ESP_MIB=48
readonly SCRATCH_MIB=1
# Fixed identifiers keep the disk the same from run to run.
readonly DISK_GUID=4b45454c-0000-4000-8000-000000000001
readonly ESP_GUID=4b45454c-0000-4000-8000-000000000002
readonly SCRATCH_GUID=4b45454c-0000-4000-8000-000000000003
# Bump when the output changes in a way the input hash cannot see.
readonly FORMAT=1
# 2025-01-01T00:00:00Z: file times inside the initramfs and the ESP.
readonly FIXTURE_EPOCH=1735689600

log() { printf 'boot-fixture: %s\n' "$*" >&2; }
die() { printf 'boot-fixture: error: %s\n' "$*" >&2; exit 1; }

force=0
dest=
while (($#)); do
    case $1 in
        -f|--force) force=1 ;;
        -h|--help) sed -n '2,22s/^# \{0,1\}//p' "${BASH_SOURCE[0]}"; exit 0 ;;
        -*) die "unknown option $1 (see --help)" ;;
        *) [[ -z $dest ]] || die "more than one DEST given: $dest and $1"; dest=$1 ;;
    esac
    shift
done
dest=$(realpath -m -- "${dest:-$REPO_ROOT/.work/boot-fixture/disk.raw}")
[[ $dest != */ && ! -d $dest ]] || die "DEST must be a file path, not a directory: $dest"
readonly DEST=$dest

# --- tools -------------------------------------------------------------------------------
missing=()
need() { command -v "$1" >/dev/null 2>&1 || missing+=("$1 (Debian package $2)"); }
need objcopy binutils
need objdump binutils
need cpio cpio
need mkfs.vfat dosfstools
need mcopy mtools
need mmd mtools
need sgdisk gdisk
[[ -x $BUSYBOX ]] && "$BUSYBOX" --list 2>/dev/null | grep -qx poweroff || missing+=("$BUSYBOX (Debian package busybox-static)")
[[ -f $STUB ]] || missing+=("$STUB (Debian package systemd-boot-efi)")
kernel=${KEEL_BOOT_FIXTURE_KERNEL:-$(ls -1 /boot/vmlinuz-* 2>/dev/null | sort -V | tail -n 1)}
[[ -n $kernel && -f $kernel ]] || missing+=("a kernel in /boot/vmlinuz-* (Debian package linux-image-amd64)")
((${#missing[@]} == 0)) || die "missing: ${missing[*]}; run scripts/setup-host.sh"
readonly KERNEL=$kernel
readonly KVER=${KERNEL##*/vmlinuz-}
readonly MODDIR=/lib/modules/$KVER
[[ -f $MODDIR/modules.dep ]] || die "$MODDIR/modules.dep not found: the modules of $KERNEL are not installed"
! objdump -p "$BUSYBOX" | grep -q NEEDED || die "$BUSYBOX is dynamically linked; install busybox-static"

# Resolves MODULES and their dependencies to paths (relative to MODDIR), dependencies first.
resolve_modules() {
    local -A seen=()
    local order=()
    visit() {
        local name=$1 line path deps dep
        line=$(grep -E "(^|/)${name}\.ko(\.[a-z]+)?:" "$MODDIR/modules.dep" | head -n 1) || true
        if [[ -z $line ]]; then
            # Built into the kernel: nothing to load.
            grep -qE "(^|/)${name}\.ko\$" "$MODDIR/modules.builtin" || die "module $name not found for $KVER"
            return
        fi
        path=${line%%:*}
        [[ -z ${seen[$path]:-} ]] || return 0
        seen[$path]=1
        deps=${line#*:}
        for dep in $deps; do
            dep=${dep##*/}
            visit "${dep%%.ko*}"
        done
        order+=("$path")
    }
    local m
    for m in "${MODULES[@]}"; do visit "$m"; done
    printf '%s\n' "${order[@]}"
}
mapfile -t module_paths < <(resolve_modules)
for p in "${module_paths[@]}"; do
    [[ $p == *.ko ]] || die "module $p is compressed; this script only copies uncompressed modules"
done

# --- up to date? ---------------------------------------------------------------------------
input_hash=$(
    {
        echo "format $FORMAT cmdline $CMDLINE esp $ESP_MIB scratch $SCRATCH_MIB"
        cat "$FIXTURE_DIR/build.sh" "$FIXTURE_DIR/init.sh" | sha256sum
        stat -Lc '%n %s %Y' "$KERNEL" "$BUSYBOX" "$STUB"
        for p in "${module_paths[@]}"; do stat -Lc '%n %s %Y' "$MODDIR/$p"; done
    } | sha256sum | cut -d' ' -f1
)
readonly STAMP=$DEST.stamp
if ((!force)) && [[ -f $DEST && -f $STAMP && $(<"$STAMP") == "$input_hash" ]]; then
    log "up to date: $DEST"
    exit 0
fi

mkdir -p -- "$(dirname -- "$DEST")"
work=$(mktemp -d "$DEST.tmp-XXXXXX")
trap 'rm -rf -- "$work"' EXIT

# --- initramfs -----------------------------------------------------------------------------
root=$work/initramfs
mkdir -p "$root"/{bin,dev,proc,sys,mnt,lib/modules}
install -m 0755 "$BUSYBOX" "$root/bin/busybox"
ln -s busybox "$root/bin/sh"
install -m 0755 "$FIXTURE_DIR/init.sh" "$root/init"
for p in "${module_paths[@]}"; do
    install -m 0644 "$MODDIR/$p" "$root/lib/modules/${p##*/}"
    echo "${p##*/}" >>"$root/lib/modules/load-order"
done
find "$root" -exec touch -h -d "@$FIXTURE_EPOCH" {} +
(cd "$root" && find . -mindepth 1 | LC_ALL=C sort | cpio --quiet -o -H newc -R 0:0 --reproducible) >"$work/initrd.cpio"

# --- unified kernel image ------------------------------------------------------------------
printf 'ID=keel-boot-fixture\nNAME="Keel boot fixture"\nPRETTY_NAME="Keel boot fixture (tests only)"\n' >"$work/osrel"
printf '%s' "$CMDLINE" >"$work/cmdline"
# Each added section starts on a 4 KiB boundary after the stub's last section.
align=4096
end=$(objdump -h "$STUB" | awk 'NF == 7 && $1 ~ /^[0-9]+$/ { print $3, $4 }' | while read -r size vma; do
    echo $((16#$vma + 16#$size))
done | sort -n | tail -n 1)
next_vma() { echo $((($1 + align - 1) / align * align)); }
osrel_vma=$(next_vma "$end")
cmdline_vma=$(next_vma $((osrel_vma + $(stat -c %s "$work/osrel"))))
linux_vma=$(next_vma $((cmdline_vma + $(stat -c %s "$work/cmdline"))))
initrd_vma=$(next_vma $((linux_vma + $(stat -Lc %s "$KERNEL"))))
objcopy \
    --add-section .osrel="$work/osrel" --change-section-vma .osrel="$(printf 0x%x "$osrel_vma")" \
    --add-section .cmdline="$work/cmdline" --change-section-vma .cmdline="$(printf 0x%x "$cmdline_vma")" \
    --add-section .linux="$KERNEL" --change-section-vma .linux="$(printf 0x%x "$linux_vma")" \
    --add-section .initrd="$work/initrd.cpio" --change-section-vma .initrd="$(printf 0x%x "$initrd_vma")" \
    "$STUB" "$work/uki.efi"
# objcopy stamps the PE header with the build time (binutils 2.40 has no option against it).
# For a reproducible disk: time stamp 0, as in the stub, and CheckSum 0 ("not computed"; UEFI
# firmware does not check it), since the one objcopy computed covered the old time stamp.
pe_header=$(od -An -t u4 -j 60 -N 4 "$work/uki.efi" | tr -d ' ')
for field in 8 88; do # COFF TimeDateStamp; optional header CheckSum (24 + 64)
    dd if=/dev/zero of="$work/uki.efi" bs=1 count=4 seek=$((pe_header + field)) conv=notrunc status=none
done

# --- ESP and disk --------------------------------------------------------------------------
esp=$work/esp.img
mkfs.vfat -C -F 16 -n KEEL-ESP --invariant "$esp" $((ESP_MIB * 1024)) >/dev/null
export MTOOLS_SKIP_CHECK=1
# mtools stamps new directories with SOURCE_DATE_EPOCH and, with -m, files with their mtime.
export SOURCE_DATE_EPOCH=$FIXTURE_EPOCH
touch -d "@$FIXTURE_EPOCH" "$work/uki.efi"
mmd -i "$esp" ::/EFI ::/EFI/BOOT
mcopy -m -i "$esp" "$work/uki.efi" ::/EFI/BOOT/BOOTX64.EFI

disk=$work/disk.raw
# 1 MiB for the GPT, the ESP, the scratch partition, 1 MiB for the backup GPT.
truncate -s $(((1 + ESP_MIB + SCRATCH_MIB + 1) * 1024 * 1024)) "$disk"
esp_start=2048
esp_end=$((esp_start + ESP_MIB * 2048 - 1))
scratch_start=$((esp_end + 1))
scratch_end=$((scratch_start + SCRATCH_MIB * 2048 - 1))
sgdisk -U "$DISK_GUID" \
    -n "1:$esp_start:$esp_end" -t 1:ef00 -c 1:ESP -u "1:$ESP_GUID" \
    -n "2:$scratch_start:$scratch_end" -t 2:8300 -c 2:keel-scratch -u "2:$SCRATCH_GUID" \
    "$disk" >/dev/null
dd if="$esp" of="$disk" bs=512 seek="$esp_start" conv=notrunc status=none
# The guest's /init only touches the scratch partition when it starts with this line.
printf 'KEEL-SCRATCH boot-count 0\n' | dd of="$disk" bs=512 seek="$scratch_start" conv=notrunc status=none

mv -f -- "$disk" "$DEST"
printf '%s\n' "$input_hash" >"$STAMP.tmp" && mv -f -- "$STAMP.tmp" "$STAMP"
log "built $DEST ($(stat -c %s "$DEST") bytes, kernel $KVER)"
