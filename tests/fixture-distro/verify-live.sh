#!/usr/bin/env bash
# Boots the fixture distribution's live environment from a hand-made hybrid ISO, the way the
# installer medium will (docs/fixture-distro.md, "The live environment"):
#
#   tests/fixture-distro/verify-live.sh [--keep] [--only cdrom|usb|initramfs] [DEST]
#
# It installs the "live" preset (without keel, which comes from another repository) from DEST
# with rpm --root, squashes the root (squashfs for the CD boot, erofs for the USB boot), makes
# an initramfs with "dracut --add dmsquash-live" inside the root (with a digest of the root image
# and a test file passed by --include), glues a UKI with objcopy (cmdline root=live:LABEL=KEELTEST
# rd.live.image console=ttyS0), puts it on an ESP as EFI/BOOT/BOOTX64.EFI, builds the hybrid ISO
# with xorriso, and boots it under qemu q35/OVMF (TCG, 2 GiB): as a CD (-cdrom, AHCI) with a user
# network (DHCP), and as a USB stick (qemu-xhci + usb-storage). Each boot (systemd as PID 1) must
# reach "fixture-init: boot finished" (fixture-boot-scripts.service) and print what the live system sees (medium mounted at
# /run/keel/medium, /run/keel files from the initramfs, overlay root, a oneshot service, efivarfs,
# the DHCP lease, /etc/issue.d). A medium whose UKI carries the whole root as its initramfs
# (no squashfs) must boot too, and one whose root image does not match its digest must stop in
# the initramfs. Prints boot times. Needs root, xorriso, squashfs-tools,
# erofs-utils, mtools, dosfstools, qemu-system-x86, ovmf. Not part of the test suite (about 3-5
# minutes under TCG).
set -euo pipefail

readonly FIXTURE_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
readonly REPO_ROOT=$(cd "$FIXTURE_DIR/../.." && pwd)
keep=0 only=
while (($#)); do
    case $1 in
        --keep) keep=1 ;;
        --only) only=$2; shift ;;
        -h|--help) sed -n '2,19s/^# \{0,1\}//p' "${BASH_SOURCE[0]}"; exit 0 ;;
        -*) echo "verify-live.sh: unknown option $1" >&2; exit 2 ;;
        *) break ;;
    esac
    shift
done
DEST=$(realpath -m -- "${1:-$REPO_ROOT/.work/fixture-repo}")
readonly DEST KEY=$DEST/RPM-GPG-KEY-keel-fixture LABEL=KEELTEST
export LC_ALL=C SOURCE_DATE_EPOCH=1735689600

ok() { printf 'ok: %s\n' "$*"; }
fail() { printf 'FAIL: %s\n' "$*" >&2; exit 1; }

((EUID == 0)) || fail "verify-live.sh installs with rpm --root and must run as root"
[[ $(uname -m) == x86_64 ]] || fail "the live boot needs the x86_64 (host-binary) packages"
[[ -f $DEST/repodata/repomd.xml ]] || fail "$DEST is not a built fixture repository (run build.sh first)"
for tool in dnf rpm xorriso mksquashfs mkfs.erofs mkfs.vfat mcopy mmd objcopy objdump qemu-system-x86_64 sha256sum; do
    command -v "$tool" > /dev/null || fail "$tool is missing (apt-get install dnf rpm xorriso squashfs-tools erofs-utils dosfstools mtools binutils qemu-system-x86 ovmf)"
done
OVMF_CODE=/usr/share/OVMF/OVMF_CODE_4M.fd OVMF_VARS=/usr/share/OVMF/OVMF_VARS_4M.fd
[[ -f $OVMF_CODE && -f $OVMF_VARS ]] || fail "OVMF is missing (apt-get install ovmf)"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/keel-fixture-live.XXXXXX")
cleanup() {
    local pid
    for pid in $(jobs -p); do kill "$pid" 2>/dev/null || true; done
    if ((keep)); then echo "verify-live.sh: kept $WORK" >&2; else rm -rf -- "$WORK"; fi
}
trap cleanup EXIT
R=$WORK/root

# --- the live root ---------------------------------------------------------------------------
# The preset's packages but keel, resolved by dnf (it only reads the repository here) and
# installed by rpm --root --dbpath /usr/lib/sysimage/rpm, as Keel's engine does.
mapfile -t wanted < <(/usr/bin/python3 -c 'import sys, yaml; print("\n".join(p for p in yaml.safe_load(open(sys.argv[1]))["packages"] if p != "keel"))' "$FIXTURE_DIR/presets/live.yaml")
mkdir -p "$WORK/dnfroot"
dnf_live() {
    dnf --installroot="$WORK/dnfroot" --setopt=reposdir=/dev/null --setopt=cachedir="$WORK/dnfroot/cache" \
        --repofrompath="fix,file://$DEST" --setopt=fix.gpgcheck=1 --setopt=fix.repo_gpgcheck=1 \
        --setopt=fix.gpgkey="file://$KEY" --releasever=4.0 --forcearch=x86_64 --setopt=install_weak_deps=False "$@"
}
dnf_live -q -y makecache > "$WORK/makecache.out" 2>&1 || fail "dnf makecache failed: $(tail -n 3 "$WORK/makecache.out")"
dnf_live install --assumeno "${wanted[@]}" > "$WORK/resolve.out" 2>&1 || true
grep -q '^Dependencies resolved' "$WORK/resolve.out" || fail "dnf cannot resolve the live preset: $(grep -A3 -i error "$WORK/resolve.out" | tr -s ' \n' ' ')"
files=()
while read -r name arch evr; do
    files+=("$DEST/Packages/${name:0:1}/$name-${evr#*:}.$arch.rpm")
done < <(awk '/^Installing/ {t = 1; next} /^(Transaction Summary|$)/ {t = 0} t && $2 ~ /^(x86_64|noarch)$/ {print $1, $2, $3}' "$WORK/resolve.out")
for f in "${files[@]}"; do [[ -f $f ]] || fail "resolved package file $f is missing"; done
mkdir -p "$R"
rpm --root "$R" --dbpath /usr/lib/sysimage/rpm --import "$KEY"
rpm --root "$R" --dbpath /usr/lib/sysimage/rpm -i --quiet --force-debian "${files[@]}" > "$WORK/rpm.out" 2>&1 \
    || fail "rpm -i of the live preset failed: $(tail -n 5 "$WORK/rpm.out")"
ok "live root: ${#files[@]} packages installed with rpm --root"

# What the live installer's medium builder would add: DHCP on every wired interface, a oneshot
# service that reads the console (enabled with the root's own systemctl, as Keel's engine runs
# it in the live system) and reports what it sees, pre-login text in /etc/issue.d.
mkdir -p "$R/etc/systemd/network" "$R/etc/issue.d" "$R/usr/libexec"
printf '[Match]\nName=e*\n\n[Network]\nDHCP=yes\n' > "$R/etc/systemd/network/80-dhcp.network"
echo 'LIVE-ISSUE: pre-login text from /etc/issue.d' > "$R/etc/issue.d/50-live.issue"
cat > "$R/usr/libexec/live-report" <<'EOF'
#!/bin/sh
# Prints what the live system sees; reads one line from the console with a timeout (stdin is the
# console: StandardInput=tty).
echo "LIVE-REPORT root=$(awk '$2 == "/" {print $3}' /proc/mounts | tail -n 1)"
echo "LIVE-REPORT medium=$(awk '$2 == "/run/keel/medium" {print $1 ":" $3}' /proc/mounts)"
echo "LIVE-REPORT medium-files=$(ls /run/keel/medium/LiveOS | tr '\n' ' ')"
echo "LIVE-REPORT keel-files=$(ls /run/keel | tr '\n' ' ')"
echo "LIVE-REPORT test-file=$(cat /run/keel/test.txt 2>/dev/null)"
echo "LIVE-REPORT efivarfs=$(awk '$3 == "efivarfs" {print $2}' /proc/mounts)"
echo "LIVE-REPORT stdin=$(readlink /proc/self/fd/0)"
echo "LIVE-REPORT net=$(ls /sys/class/net | tr "\n" " ") modules=$(grep -c . /proc/modules)"
# systemd-networkd's DHCP lease (a few seconds at most; this unit does not wait for the network).
i=0
while [ $i -lt 30 ] && ! busybox ip -4 -o addr show scope global | grep -q inet; do sleep 1; i=$((i + 1)); done
echo "LIVE-REPORT addr=$(busybox ip -4 -o addr show scope global | awk '{print $4}' | head -n 1)"
echo "LIVE-REPORT tools=$(for t in mkfs.ext4 mkfs.vfat mkfs.xfs sgdisk efibootmgr objcopy systemctl partx blockdev wipefs sfdisk losetup cryptsetup rpm mcopy ssh; do command -v $t > /dev/null || printf '%s-MISSING ' $t; done)"
touch /live-write-test && echo "LIVE-REPORT writable=yes"
efibootmgr > /dev/null 2>&1 && echo "LIVE-REPORT efibootmgr=ok"
EOF
chmod 0755 "$R/usr/libexec/live-report"
cat > "$R/usr/lib/systemd/system/live-report.service" <<'EOF'
[Unit]
Description=Reports what the live system sees (verify-live.sh)

[Service]
Type=oneshot
StandardInput=tty
TTYPath=/dev/console
ExecStart=/usr/libexec/live-report

[Install]
WantedBy=multi-user.target
EOF
chroot "$R" /usr/bin/systemctl --root / --quiet enable live-report.service \
    || fail "systemctl enable inside the live root failed"
[[ -L $R/etc/systemd/system/multi-user.target.wants/live-report.service ]] || fail "systemctl enable made no link"
ok "live root: DHCP .network, /etc/issue.d text, live-report.service enabled by the root's systemctl"

kver=$(ls "$R/lib/modules" | sort -V | tail -n 1)
cp "$R/lib/modules/$kver/vmlinuz" "$WORK/vmlinuz"
stub=$R/usr/lib/systemd/boot/efi/linuxx64.efi.stub

# build_medium NAME FSTYPE [TAMPER]: WORK/NAME.iso with a FSTYPE (squashfs|erofs) root image.
build_medium() {
    local name=$1 fstype=$2 tamper=${3-} m=$WORK/$1 started=$SECONDS
    mkdir -p "$m/tree/LiveOS"
    if [[ $fstype == squashfs ]]; then
        mksquashfs "$R" "$m/tree/LiveOS/squashfs.img" -comp xz -noappend -quiet -no-progress -e tmp/initrd.img > /dev/null \
            || fail "mksquashfs failed"
    else
        mkfs.erofs -zlz4hc "$m/tree/LiveOS/squashfs.img" "$R" > /dev/null 2>&1 || fail "mkfs.erofs failed"
    fi
    printf '%s  LiveOS/squashfs.img\n' "$(sha256sum < "$m/tree/LiveOS/squashfs.img" | cut -d' ' -f1)" > "$R/tmp/live-root.sha256"
    if [[ -n $tamper ]]; then # one byte changed after the digest was taken
        printf 'X' | dd of="$m/tree/LiveOS/squashfs.img" bs=1 seek=$(($(stat -c %s "$m/tree/LiveOS/squashfs.img") / 2)) conv=notrunc status=none
    fi
    echo "medium $name" > "$R/tmp/test.txt"
    chroot "$R" /usr/bin/env -i PATH=/usr/sbin:/usr/bin SOURCE_DATE_EPOCH=$SOURCE_DATE_EPOCH /usr/bin/dracut \
        --no-hostonly --reproducible --force --add dmsquash-live \
        --include /tmp/live-root.sha256 /etc/keel/live-root.sha256 --include /tmp/test.txt /etc/keel/test.txt \
        /tmp/initrd.img "$kver" > "$WORK/dracut.out" 2>&1 || fail "dracut --add dmsquash-live failed: $(tail -n 3 "$WORK/dracut.out")"
    mv "$R/tmp/initrd.img" "$m/initrd.img"
    make_iso "$name" "root=live:LABEL=$LABEL rd.live.image console=ttyS0 rd.timeout=60"
    ok "medium $name: $fstype root $(( $(stat -c %s "$m/tree/LiveOS/squashfs.img") / 1048576 )) MiB, initramfs $(( $(stat -c %s "$m/initrd.img") / 1024 )) KiB, ISO $(( $(stat -c %s "$m.iso") / 1048576 )) MiB, built in $((SECONDS - started)) s"
}

# build_ram_medium: WORK/ram.iso, whose UKI's initramfs is the whole live root (Azure Linux 3.0's
# way): /init is the fixture's init, / stays the kernel's rootfs, nothing else is on the ISO.
build_ram_medium() {
    local m=$WORK/ram started=$SECONDS
    mkdir -p "$m/tree"
    ln -sfn usr/lib/systemd/systemd "$R/init"
    (cd "$R" && find . -mindepth 1 \( -path ./tmp -prune -o -print \) | sed 's|^\./||' | LC_ALL=C sort \
        | cpio -o -H newc -R 0:0 --quiet) | gzip -6 > "$m/initrd.img"
    rm -f "$R/init"
    make_iso ram "console=ttyS0"
    ok "medium ram: the live root as the initramfs, $(( $(stat -c %s "$m/initrd.img") / 1048576 )) MiB gzip, ISO $(( $(stat -c %s "$m.iso") / 1048576 )) MiB, built in $((SECONDS - started)) s"
}

# make_iso NAME CMDLINE: glues WORK/NAME/initrd.img and the kernel into a UKI, as
# tests/boot-fixture/build.sh does, puts it on an ESP as the fallback boot loader and makes the
# hybrid ISO WORK/NAME.iso of WORK/NAME/tree.
make_iso() {
    local name=$1 m=$WORK/$1
    printf 'ID=azurelinux\nNAME="Keel fixture live"\n' > "$m/osrel"
    printf '%s' "$2" > "$m/cmdline"
    local align=4096 end osrel_vma cmdline_vma linux_vma initrd_vma
    end=$(objdump -h "$stub" | awk 'NF == 7 && $1 ~ /^[0-9]+$/ { print $3, $4 }' | while read -r size vma; do
        echo $((16#$vma + 16#$size)); done | sort -n | tail -n 1)
    next_vma() { echo $((($1 + align - 1) / align * align)); }
    osrel_vma=$(next_vma "$end")
    cmdline_vma=$(next_vma $((osrel_vma + $(stat -c %s "$m/osrel"))))
    linux_vma=$(next_vma $((cmdline_vma + $(stat -c %s "$m/cmdline"))))
    initrd_vma=$(next_vma $((linux_vma + $(stat -c %s "$WORK/vmlinuz"))))
    objcopy \
        --add-section .osrel="$m/osrel" --change-section-vma .osrel="$(printf 0x%x "$osrel_vma")" \
        --add-section .cmdline="$m/cmdline" --change-section-vma .cmdline="$(printf 0x%x "$cmdline_vma")" \
        --add-section .linux="$WORK/vmlinuz" --change-section-vma .linux="$(printf 0x%x "$linux_vma")" \
        --add-section .initrd="$m/initrd.img" --change-section-vma .initrd="$(printf 0x%x "$initrd_vma")" \
        "$stub" "$m/uki.efi" || fail "objcopy could not glue the UKI"
    # The ESP: the UKI as the fallback boot loader.
    local kib=$(( ($(stat -c %s "$m/uki.efi") / 1024) + 2048 ))
    mkfs.vfat -C -n KEELESP "$m/esp.img" "$kib" > /dev/null || fail "mkfs.vfat failed"
    MTOOLS_SKIP_CHECK=1 mmd -i "$m/esp.img" ::/EFI ::/EFI/BOOT
    MTOOLS_SKIP_CHECK=1 mcopy -i "$m/esp.img" "$m/uki.efi" ::/EFI/BOOT/BOOTX64.EFI
    # The hybrid ISO of DESIGN.md ("Hybrid ISO without grub").
    xorriso -as mkisofs -o "$m.iso" -R -J -V "$LABEL" -iso-level 3 \
        -append_partition 2 C12A7328-F81F-11D2-BA4B-00A0C93EC93B "$m/esp.img" -appended_part_as_gpt \
        -e --interval:appended_partition_2:all:: -no-emul-boot -partition_offset 16 "$m/tree/" > "$WORK/xorriso-$name.out" 2>&1 \
        || fail "xorriso failed: $(tail -n 3 "$WORK/xorriso-$name.out")"
}

# boot NAME HOW EXPECT: boots WORK/NAME.iso (HOW: cdrom|usb) until the console shows EXPECT (or 300 s).
boot() {
    local name=$1 how=$2 expect=$3 log=$WORK/$1-$2.console started
    cp "$OVMF_VARS" "$WORK/vars-$name-$how.fd"
    local args=(-machine q35 -accel tcg -cpu max -m 2048 -display none -serial "file:$log" -monitor none -no-reboot
        -drive "if=pflash,format=raw,unit=0,readonly=on,file=$OVMF_CODE"
        -drive "if=pflash,format=raw,unit=1,file=$WORK/vars-$name-$how.fd")
    if [[ $how == cdrom ]]; then
        args+=(-cdrom "$WORK/$name.iso" -nic user,model=virtio-net-pci)
    else
        args+=(-drive "if=none,id=stick,format=raw,readonly=on,file=$WORK/$name.iso" -device qemu-xhci
            -device usb-storage,drive=stick,removable=on -nic none)
    fi
    : > "$log"
    started=$(date +%s.%N)
    qemu-system-x86_64 "${args[@]}" > "$WORK/qemu-$name-$how.out" 2>&1 &
    local pid=$! deadline=$((SECONDS + 300))
    while ! grep -qF -- "$expect" "$log"; do
        if ! kill -0 "$pid" 2>/dev/null || ((SECONDS > deadline)); then
            kill "$pid" 2>/dev/null || true
            sed 's/\x1b\[[0-9;?]*[a-zA-Z]//g' "$log" | tr -d '\r' | tail -n 30 >&2
            fail "boot $name as $how: no '$expect' within 300 s"
        fi
        sleep 1
    done
    BOOT_SECONDS=$(awk -v s="$started" -v e="$(date +%s.%N)" 'BEGIN {printf "%.0f", e - s}')
    sleep 2 # the lines after it
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    tr -d '\r' < "$log" | sed 's/\x1b\[[0-9;?]*[a-zA-Z]//g' > "$log.txt"
}
console_has() { grep -qF -- "$2" "$1" || { tail -n 40 "$1" >&2; fail "console lacks '$2'"; }; }

if [[ -z $only || $only == cdrom ]]; then
    build_medium cd squashfs
    boot cd cdrom 'LIVE-ISSUE: pre-login text'
    c=$WORK/cd-cdrom.console.txt
    cd_seconds=$BOOT_SECONDS
    for want in "fixture-dracut: live root verified" "fixture-dracut: mounted live root LiveOS/squashfs.img (squashfs)" \
        "LIVE-REPORT root=overlay" "LIVE-REPORT medium=/dev/sr0:iso9660" "LIVE-REPORT medium-files=squashfs.img" \
        "LIVE-REPORT test-file=medium cd" "LIVE-REPORT efivarfs=/sys/firmware/efi/efivars" "LIVE-REPORT stdin=/dev/console" \
        "LIVE-REPORT tools=" "LIVE-REPORT writable=yes" "LIVE-REPORT efibootmgr=ok" "LIVE-REPORT addr=10.0.2.15/24" \
        "fixture-init: boot finished"; do
        console_has "$c" "$want"
    done
    grep -q 'MISSING' "$c" && fail "live tools missing: $(grep 'LIVE-REPORT tools=' "$c")"
    grep -q 'LIVE-REPORT keel-files=.*live-root.sha256.*test.txt' "$c" || fail "/run/keel lacks the initramfs' /etc/keel files: $(grep keel-files "$c")"
    ok "CD boot (-cdrom, AHCI, squashfs root, user network): boot finished and pre-login text after ${cd_seconds} s; $(grep -o 'fixture-dracut: mounted /dev/[a-z0-9]* on /run/keel/medium' "$c")"
fi

if [[ -z $only || $only == usb ]]; then
    build_medium usb erofs
    boot usb usb 'LIVE-ISSUE: pre-login text'
    c=$WORK/usb-usb.console.txt
    usb_seconds=$BOOT_SECONDS
    for want in "fixture-dracut: live root verified" "fixture-dracut: mounted live root LiveOS/squashfs.img (erofs)" \
        "fixture-dracut: mounted /dev/sda on /run/keel/medium" "LIVE-REPORT medium=/dev/sda:iso9660" \
        "LIVE-REPORT test-file=medium usb" "fixture-init: boot finished"; do
        console_has "$c" "$want"
    done
    ok "USB boot (qemu-xhci + usb-storage, whole disk /dev/sda preferred over its partitions, erofs root, no network): boot finished after ${usb_seconds} s"
fi

if [[ -z $only || $only == initramfs ]]; then
    build_ram_medium
    boot ram cdrom 'LIVE-ISSUE: pre-login text'
    c=$WORK/ram-cdrom.console.txt
    ram_seconds=$BOOT_SECONDS
    # Under systemd nothing links /lib/modules/$(uname -r) to the kernel's directory when / is the
    # initramfs itself (the fixture initramfs does it for a disk or live root), so udev cannot load
    # the NIC's driver there: this variant is expected to fail on the address (docs/fixture-distro.md).
    for want in "LIVE-REPORT root=rootfs" "LIVE-REPORT writable=yes" "LIVE-REPORT efibootmgr=ok" "LIVE-REPORT addr=10.0.2.15/24" "fixture-init: boot finished"; do
        console_has "$c" "$want"
    done
    ok "all-in-initramfs boot (-cdrom, / is the kernel's rootfs, user network): boot finished after ${ram_seconds} s"
fi

if [[ -z $only ]]; then
    build_medium bad squashfs tamper
    boot bad cdrom 'fixture-dracut: starting an emergency shell'
    c=$WORK/bad-cdrom.console.txt
    console_has "$c" "fixture-dracut: live root LiveOS/squashfs.img does not match its digest"
    grep -q 'fixture-init:' "$c" && fail "a tampered live root was booted"
    ok "a live root changed after its digest was taken stops in the initramfs before switch_root"
fi
