#!/usr/bin/env bash
# Checks a fixture repository built by build.sh with the real tools:
#   tests/fixture-distro/verify.sh [DEST]
# - gpg verifies repodata/repomd.xml.asc; rpmkeys verifies every package against the
#   exported key (and rejects a corrupted copy and an unknown key: the checks can fail);
# - the presets/*.yaml package lists equal comps.xml's environments;
# - dnf resolves each environment for x86_64 and aarch64 and the result holds the preset;
# - dnf installs the container-host environment into a scratch root (gpgcheck on), rpm -Va
#   is clean there, and rpm -ivh installs the same set into a second root;
# - (x86_64) that set installed with --dbpath /usr/lib/sysimage/rpm works in a chroot: bash,
#   rpm -qa, every ELF file's libraries, sshd -t, the unit files, dracut's initramfs;
# - an old openssh/sudo shows its advisories in "dnf updateinfo" and "upgrade --security"
#   fixes them; moby-engine is replaced by podman-docker (obsoletes);
# - (x86_64) the installer tools run in that root (mkfs.*, fsck, sgdisk, sfdisk, objcopy
#   --add-section, efibootmgr, systemctl --root enable) and dracut --add dmsquash-live adds the
#   live medium's modules. tests/fixture-distro/verify-live.sh boots a live ISO (not run here).
# KEEP_SCRATCH=1 keeps the scratch directory for debugging.
# Needs root (rpm --root chroots for scriptlets). Prints "ok:" lines; exits 1 on the first failure.
set -euo pipefail

readonly FIXTURE_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
readonly REPO_ROOT=$(cd "$FIXTURE_DIR/../.." && pwd)
DEST=$(realpath -m -- "${1:-$REPO_ROOT/.work/fixture-repo}")
readonly DEST KEY=$DEST/RPM-GPG-KEY-keel-fixture
export LC_ALL=C

ok() { printf 'ok: %s\n' "$*"; }
fail() { printf 'FAIL: %s\n' "$*" >&2; exit 1; }

for f in repodata/repomd.xml repodata/repomd.xml.asc RPM-GPG-KEY-keel-fixture keel-fixture.repo; do
    [[ -f $DEST/$f ]] || fail "$DEST/$f is missing (run build.sh first)"
done
((EUID == 0)) || fail "verify.sh installs into scratch roots with rpm --root and must run as root"

SCRATCH=$(mktemp -d "${TMPDIR:-/tmp}/keel-fixture-verify.XXXXXX")
export GNUPGHOME=$SCRATCH/gnupg
cleanup() {
    gpgconf --kill gpg-agent >/dev/null 2>&1 || true
    [[ -n ${KEEP_SCRATCH-} ]] || rm -rf -- "$SCRATCH"
}
trap cleanup EXIT
mkdir -m 700 "$GNUPGHOME"

mapfile -d '' RPMS < <(find "$DEST/Packages" -name '*.rpm' -print0 | sort -z)
((${#RPMS[@]} > 0)) || fail "no packages under $DEST/Packages"

# Debian's rpm refuses plain installs without this flag (to steer users to alien).
RPM_INSTALL_FLAGS=()
[[ $(rpm --help 2>&1) != *--force-debian* ]] || RPM_INSTALL_FLAGS=(--force-debian)

# --- repodata signature ------------------------------------------------------------------
gpg --batch --quiet --import "$KEY" 2>/dev/null
fpr=$(gpg --batch --with-colons --list-keys | awk -F: '$1 == "fpr" {print $10; exit}')
status=$(gpg --batch --status-fd 1 --verify "$DEST/repodata/repomd.xml.asc" "$DEST/repodata/repomd.xml" 2>/dev/null) \
    || fail "gpg --verify repomd.xml.asc failed"
[[ $status == *"VALIDSIG $fpr"* ]] || fail "repomd.xml.asc is not signed by the exported key $fpr"
cp "$DEST/repodata/repomd.xml" "$SCRATCH/repomd.xml"
echo '<!-- tampered -->' >> "$SCRATCH/repomd.xml"
! gpg --batch --verify "$DEST/repodata/repomd.xml.asc" "$SCRATCH/repomd.xml" 2>/dev/null \
    || fail "gpg accepted a tampered repomd.xml"
ok "repomd.xml.asc: good signature by $fpr; a tampered copy is rejected"

# --- package signatures ----------------------------------------------------------------
rpmkeys --dbpath "$SCRATCH/keys" --import "$KEY"
rpmkeys --dbpath "$SCRATCH/keys" --checksig "${RPMS[@]}" > "$SCRATCH/checksig" 2>&1 || true
good=$(grep -c ': digests signatures OK$' "$SCRATCH/checksig" || true)
((good == ${#RPMS[@]})) || fail "rpmkeys --checksig: $good of ${#RPMS[@]} OK; first bad: $(grep -v 'digests signatures OK$' "$SCRATCH/checksig" | head -n 1)"
! rpmkeys --dbpath "$SCRATCH/nokeys" --checksig "${RPMS[0]}" > /dev/null 2>&1 \
    || fail "rpmkeys accepted ${RPMS[0]##*/} without the key"
cp "${RPMS[0]}" "$SCRATCH/bad.rpm"
printf 'X' | dd of="$SCRATCH/bad.rpm" bs=1 seek=$(($(stat -c %s "$SCRATCH/bad.rpm") - 100)) conv=notrunc status=none
! rpmkeys --dbpath "$SCRATCH/keys" --checksig "$SCRATCH/bad.rpm" > /dev/null 2>&1 \
    || fail "rpmkeys accepted a corrupted copy of ${RPMS[0]##*/}"
compressors=$(rpm -qp --nosignature --qf '%{PAYLOADCOMPRESSOR}\n' "${RPMS[@]}" | sort -u | tr '\n' ' ')
[[ $compressors == "zstd " ]] || fail "payload compressors: $compressors (want zstd only)"
ok "${#RPMS[@]} packages: signatures OK (rpmkeys), zstd payloads; unsigned-key and corrupted cases fail"

# --- presets match comps ---------------------------------------------------------------
# A preset with an environment mirrors comps; one without (live) must name only packages of this
# repository, except those that come from another one (keel: the agent repository).
/usr/bin/python3 - "$FIXTURE_DIR" "$DEST" <<'PY' || fail "presets/*.yaml and comps.xml disagree (see above)"
import sys, glob, os, gzip, xml.etree.ElementTree as ET
import yaml
d, dest = sys.argv[1], sys.argv[2]
FOREIGN = {"keel"}
root = ET.parse(os.path.join(d, "comps.xml")).getroot()
groups = {g.findtext("id"): {p.text for p in g.iter("packagereq") if p.get("type") in ("mandatory", "default")}
          for g in root.findall("group")}
envs = {e.findtext("id"): [g.text for g in e.find("grouplist")] for e in root.findall("environment")}
ns = {"r": "http://linux.duke.edu/metadata/repo", "c": "http://linux.duke.edu/metadata/common"}
repomd = ET.parse(os.path.join(dest, "repodata", "repomd.xml")).getroot()
primary = next(x.find("r:location", ns).get("href") for x in repomd.findall("r:data", ns) if x.get("type") == "primary")
names = {p.findtext("c:name", namespaces=ns) for p in ET.parse(gzip.open(os.path.join(dest, primary))).getroot().findall("c:package", ns)}
bad = 0
with_env = 0
for path in sorted(glob.glob(os.path.join(d, "presets", "*.yaml"))):
    p = yaml.safe_load(open(path))
    if "environment" not in p:
        unknown = sorted(set(p["packages"]) - names - FOREIGN)
        if unknown:
            print(f"{path}: packages not in the repository: {unknown}"); bad = 1
        if p.get("groups"):
            print(f"{path}: groups without an environment"); bad = 1
        continue
    with_env += 1
    want_groups = envs.get(p["environment"])
    if want_groups is None:
        print(f"{path}: environment {p['environment']} is not in comps.xml"); bad = 1; continue
    if p["groups"] != want_groups:
        print(f"{path}: groups {p['groups']} != comps {want_groups}"); bad = 1
    want = set().union(*(groups[g] for g in want_groups))
    if set(p["packages"]) != want:
        print(f"{path}: only in preset {sorted(set(p['packages']) - want)}, only in comps {sorted(want - set(p['packages']))}"); bad = 1
if with_env != len(envs):
    print("presets/ with an environment and comps.xml environments differ in number"); bad = 1
sys.exit(bad)
PY
ok "presets/*.yaml equal the comps environments; live names only packages of the repository (and keel)"

# --- dnf -------------------------------------------------------------------------------
# dnf in a scratch root, gpgcheck and repo_gpgcheck on, no host repositories.
dnf_in() {
    local root=$1
    shift
    dnf --installroot="$root" --setopt=reposdir=/dev/null --setopt=cachedir="$root/var/cache/dnf" \
        --repofrompath="fix,file://$DEST" --setopt=fix.gpgcheck=1 --setopt=fix.repo_gpgcheck=1 \
        --setopt=fix.gpgkey="file://$KEY" --releasever=4.0 --setopt=install_weak_deps=True "$@"
}
# Package names of a dnf transaction table (printed by --assumeno or -y).
transaction_names() {
    awk '/^(Installing|Upgrading|Removing|Downgrading)/ {t = 1; next} /^(Transaction Summary|$)/ {t = 0} t && $2 ~ /^(x86_64|aarch64|noarch)$/ {print $1}' "$1" | sort -u
}
preset_names() {
    /usr/bin/python3 -c 'import sys, yaml; print("\n".join(yaml.safe_load(open(sys.argv[1]))["packages"]))' "$1" | sort -u
}

# dnf 4 has no "@^environment" spelling (dnf 5 does); "@environment-id" selects the environment.
for arch in x86_64 aarch64; do
    for preset in "$FIXTURE_DIR"/presets/*.yaml; do
        env=$(/usr/bin/python3 -c 'import sys, yaml; print(yaml.safe_load(open(sys.argv[1])).get("environment", ""))' "$preset")
        [[ -n $env ]] || continue # live: resolved by name below
        root=$SCRATCH/resolve-$arch-${env}
        mkdir -p "$root"
        dnf_in "$root" -q -y --forcearch="$arch" makecache > /dev/null 2>&1 || fail "dnf makecache ($arch) failed"
        out=$SCRATCH/resolve-$arch-$env.out
        dnf_in "$root" --forcearch="$arch" install --assumeno "@$env" > "$out" 2>&1 || true
        grep -q '^Dependencies resolved' "$out" || fail "dnf did not resolve @$env for $arch: $(grep -A4 '^Error' "$out" | tr -s ' \n' ' ')"
        missing=$(comm -23 <(preset_names "$preset") <(transaction_names "$out") | tr '\n' ' ')
        [[ -z $missing ]] || fail "@$env ($arch) transaction lacks preset packages: $missing"
        wrong_arch=$(awk -v a="$arch" 't && $2 ~ /^(x86_64|aarch64)$/ && $2 != a {print $1}
            /^Installing/ {t = 1} /^Transaction Summary/ {t = 0}' "$out" | head -n 3 | tr '\n' ' ')
        [[ -z $wrong_arch ]] || fail "@$env ($arch) picked packages of another arch: $wrong_arch"
        ok "dnf resolves @$env for $arch: $(transaction_names "$out" | wc -l) packages"
    done
    # The live preset by package names, without keel (another repository carries it).
    mapfile -t live < <(preset_names "$FIXTURE_DIR/presets/live.yaml" | grep -vx keel)
    out=$SCRATCH/resolve-$arch-live.out
    dnf_in "$SCRATCH/resolve-$arch-minimal-environment" --forcearch="$arch" install --assumeno "${live[@]}" > "$out" 2>&1 || true
    grep -q '^Dependencies resolved' "$out" || fail "dnf did not resolve the live preset for $arch: $(grep -A4 '^Error' "$out" | tr -s ' \n' ' ')"
    missing=$(comm -23 <(printf '%s\n' "${live[@]}" | sort -u) <(transaction_names "$out") | tr '\n' ' ')
    [[ -z $missing ]] || fail "live ($arch) transaction lacks preset packages: $missing"
    ok "dnf resolves the live preset (without keel) for $arch: $(transaction_names "$out" | wc -l) packages"
done

# Real install of the container-host environment.
root=$SCRATCH/container-host
mkdir -p "$root"
dnf_in "$root" -y install @container-host-environment > "$SCRATCH/install.out" 2>&1 \
    || fail "dnf install @container-host-environment failed: $(tail -n 5 "$SCRATCH/install.out")"
grep -q '^Complete!' "$SCRATCH/install.out" || fail "dnf install did not complete"
installed=$(rpm --root "$root" -qa | grep -vc '^gpg-pubkey')
verify_out=$(rpm --root "$root" -Va 2>&1) || fail "rpm -Va in the installed root: $verify_out"
grep -qx 'This is a preview release. Do not use in production.' "$root/etc/issue" || fail "/etc/issue lacks the preview banner"
grep -qx 'ID=azurelinux' "$root/etc/os-release" || fail "/etc/os-release lacks ID=azurelinux"
# x86_64: Debian's podman, which runs in the root; elsewhere the stand-in names its build.
if [[ $(head -c 4 "$root/usr/bin/podman" | od -An -c | tr -d ' ') == '177ELF' ]]; then
    # (without /proc in the chroot podman warns on stderr; the version is on stdout)
    podman_version=$(chroot "$root" /usr/bin/podman --version 2>/dev/null) || true
    [[ $podman_version == "podman version "* ]] || fail "podman --version in the root: $podman_version"
else
    [[ $(sh "$root/usr/bin/podman" --version) == "podman (Keel fixture) 5:5.3.2-1.azl4" ]] || fail "podman stub: $(sh "$root/usr/bin/podman" --version)"
fi
[[ -e $root/etc/machine-id ]] || fail "systemd's Lua %post did not create /etc/machine-id"
rpm --root "$root" -q podman-bash-completion > /dev/null 2>&1 && fail "podman-bash-completion installed without bash-completion"
ok "dnf installed @container-host-environment: $installed packages, rpm -Va clean, banner and os-release present"

# The same package set with plain rpm -ivh into a second root.
root2=$SCRATCH/rpm-ivh
files=()
while read -r name version release arch; do
    files+=("$DEST/Packages/${name:0:1}/$name-$version-$release.$arch.rpm")
done < <(rpm --root "$root" -qa --qf '%{NAME} %{VERSION} %{RELEASE} %{ARCH}\n' | grep -v '^gpg-pubkey ')
mkdir -p "$root2"
rpm --root "$root2" --import "$KEY"
rpm --root "$root2" -ivh --quiet "${RPM_INSTALL_FLAGS[@]}" "${files[@]}" > "$SCRATCH/ivh.out" 2>&1 \
    || fail "rpm --root -ivh failed: $(tail -n 5 "$SCRATCH/ivh.out")"
[[ $(rpm --root "$root2" -qa | grep -vc '^gpg-pubkey') == "${#files[@]}" ]] || fail "rpm -ivh installed a different number of packages"
ok "rpm --root -ivh installs the same ${#files[@]} packages"

# --- the bootable stage (x86_64) -----------------------------------------------------------
# What Keel's image engine relies on: the same set installed with rpm --root --dbpath
# /usr/lib/sysimage/rpm runs inside a chroot (host binaries, glibc closure, rpmdb, sshd,
# dracut), the way the engine will use it.
if [[ $(uname -m) == x86_64 ]]; then
    broot=$SCRATCH/bootable
    mkdir -p "$broot"
    rpm --root "$broot" --dbpath /usr/lib/sysimage/rpm --import "$KEY"
    rpm --root "$broot" --dbpath /usr/lib/sysimage/rpm -i --quiet "${RPM_INSTALL_FLAGS[@]}" "${files[@]}" > "$SCRATCH/bootable.out" 2>&1 \
        || fail "rpm --root --dbpath /usr/lib/sysimage/rpm -i failed: $(tail -n 5 "$SCRATCH/bootable.out")"
    in_root() { chroot "$broot" /usr/bin/env -i PATH=/usr/sbin:/usr/bin "$@"; }
    [[ $(in_root /usr/bin/bash -c 'echo ok') == ok ]] || fail "bash does not run in the installed root"
    qa=$(in_root /usr/bin/rpm -qa | grep -vc '^gpg-pubkey')
    ((qa == ${#files[@]})) || fail "rpm -qa inside the root lists $qa packages, want ${#files[@]} (the rpmdb at /usr/lib/sysimage/rpm)"
    # Every dynamically linked ELF file resolves all its libraries inside the root.
    unresolved=
    while IFS= read -r -d '' f; do
        [[ $(head -c 4 "$f" | od -An -c | tr -d ' ') == '177ELF' ]] || continue
        objdump -p "$f" 2>/dev/null | grep -q NEEDED || continue
        # A private library directory (systemd's, found through its binaries' RUNPATH) is searched
        # for its own libraries' siblings as those binaries' RUNPATH would.
        libpath=()
        case ${f#"$broot"} in /usr/lib/x86_64-linux-gnu/*/*) libpath=(--library-path "$(dirname "${f#"$broot"}")") ;; esac
        out=$(in_root /usr/lib64/ld-linux-x86-64.so.2 "${libpath[@]}" --list "${f#"$broot"}" 2>&1) || unresolved+=" ${f#"$broot"}"
        [[ $out != *"not found"* ]] || unresolved+=" ${f#"$broot"}:$(grep 'not found' <<< "$out" | awk '{print $1}' | tr '\n' ',')"
    done < <(find "$broot/usr/bin" "$broot/usr/sbin" "$broot/usr/libexec" "$broot/usr/lib/x86_64-linux-gnu" "$broot/usr/lib/systemd" "$broot/usr/lib/udev" -type f -print0)
    [[ -z $unresolved ]] || fail "libraries missing in the root:$unresolved"
    # sshd needs /dev/null and its privilege separation directory (systemd-tmpfiles makes /run/sshd
    # from tmpfiles.d at boot), and host keys (sshd-keygen@.service at boot).
    mknod -m 666 "$broot/dev/null" c 1 3
    mkdir -p "$broot/run/sshd"
    in_root /usr/bin/ssh-keygen -A > /dev/null || fail "ssh-keygen -A failed in the root"
    sshd_out=$(in_root /usr/sbin/sshd -t 2>&1) || fail "sshd -t in the root: $sshd_out"
    for unit in sshd containerd chronyd; do
        grep -qx 'WantedBy=multi-user.target' "$broot/usr/lib/systemd/system/$unit.service" 2>/dev/null \
            || fail "$unit.service is missing or has no WantedBy=multi-user.target"
    done
    # PID 1 is Debian's systemd: it runs in the root, and its own checker finds the units the
    # boot starts (targets, journald, udevd, networkd, the getty, sshd, the boot scripts) sound.
    [[ $(readlink "$broot/usr/sbin/init") == ../lib/systemd/systemd ]] || fail "/usr/sbin/init does not link to systemd"
    sd_version=$(in_root /usr/lib/systemd/systemd --version | head -n 1)
    [[ $sd_version == "systemd 2"* ]] || fail "systemd --version in the root says '$sd_version'"
    [[ ! -e $broot/etc/inittab ]] || fail "the busybox init's /etc/inittab is still installed"
    verify_out=$(in_root /usr/bin/systemd-analyze verify --man=no default.target sysinit.target sockets.target systemd-journald.service \
        systemd-udevd.service systemd-udev-trigger.service systemd-networkd.service serial-getty@ttyS0.service sshd.service \
        sshd-keygen@rsa.service fixture-boot-scripts.service 2>&1) || fail "systemd-analyze verify in the root: $verify_out"
    [[ $(head -c 2 "$broot/usr/lib/systemd/boot/efi/systemd-bootx64.efi") == MZ && $(head -c 2 "$broot/usr/lib/systemd/boot/efi/linuxx64.efi.stub") == MZ ]] \
        || fail "systemd-boot-unsigned does not carry PE binaries"
    kvers=$(ls "$broot/lib/modules")
    kver=$(sort -V <<< "$kvers" | tail -n 1)
    [[ $(dd if="$broot/lib/modules/$kver/vmlinuz" bs=1 skip=514 count=4 status=none) == HdrS ]] || fail "kernel-core $kver: vmlinuz is not a bzImage"
    grep -q 'virtio_blk\.ko:' "$broot/lib/modules/$kver/modules.dep" || fail "kernel-modules $kver: modules.dep lacks virtio_blk"
    # dracut inside the root: an initramfs with init, busybox and the virtio_blk module,
    # byte-identical when made twice; an unknown option fails.
    for n in 1 2; do
        in_root SOURCE_DATE_EPOCH=1735689600 /usr/bin/dracut --no-hostonly --reproducible --force "/tmp/initramfs-$n.img" "$kver" \
            > "$SCRATCH/dracut.out" 2>&1 || fail "dracut in the root failed: $(tail -n 3 "$SCRATCH/dracut.out")"
    done
    cmp -s "$broot/tmp/initramfs-1.img" "$broot/tmp/initramfs-2.img" || fail "dracut's output is not reproducible"
    listing=$(gzip -dc "$broot/tmp/initramfs-1.img" | cpio -t --quiet 2>/dev/null)
    for want in init bin/busybox; do grep -qx "$want" <<< "$listing" || fail "initramfs lacks $want"; done
    grep -q '/virtio_blk\.ko$' <<< "$listing" || fail "initramfs lacks virtio_blk.ko"
    ! in_root /usr/bin/dracut --bogus /tmp/x.img > /dev/null 2>&1 || fail "dracut accepted an unknown option"
    # With cryptsetup installed and a key passed by --include (as Keel does for an encrypted
    # root), the initramfs carries both, and its cryptsetup runs with the libraries it carries.
    crypt_rpm=$(ls "$DEST"/Packages/c/cryptsetup-*.x86_64.rpm | head -n 1)
    rpm --root "$broot" --dbpath /usr/lib/sysimage/rpm -i --quiet "${RPM_INSTALL_FLAGS[@]}" "$crypt_rpm" > "$SCRATCH/crypt.out" 2>&1 \
        || fail "installing $crypt_rpm failed: $(tail -n 3 "$SCRATCH/crypt.out")"
    head -c 64 /dev/urandom > "$broot/tmp/luks.key" && chmod 0400 "$broot/tmp/luks.key"
    in_root /usr/bin/dracut --no-hostonly --force --include /tmp/luks.key /etc/keel/luks.key /tmp/initramfs-luks.img "$kver" \
        > "$SCRATCH/dracut.out" 2>&1 || fail "dracut --include failed: $(tail -n 3 "$SCRATCH/dracut.out")"
    mkdir "$SCRATCH/luks-initramfs"
    (cd "$SCRATCH/luks-initramfs" && gzip -dc "$broot/tmp/initramfs-luks.img" | cpio -id --quiet 2>/dev/null)
    cmp -s "$broot/tmp/luks.key" "$SCRATCH/luks-initramfs/etc/keel/luks.key" || fail "initramfs lacks the --include'd key at /etc/keel/luks.key"
    [[ $(stat -c %a "$SCRATCH/luks-initramfs/etc/keel/luks.key") == 400 ]] || fail "the key in the initramfs is not mode 0400"
    for m in dm-crypt xts algif_skcipher; do
        find "$SCRATCH/luks-initramfs/lib/modules" -name "$m.ko" | grep -q . || fail "initramfs lacks $m.ko"
    done
    chroot "$SCRATCH/luks-initramfs" /usr/sbin/cryptsetup --version > /dev/null 2>&1 || fail "cryptsetup does not run inside the initramfs"
    in_root /usr/bin/dracut --force --include /tmp/missing /x /tmp/x.img > /dev/null 2>&1 && fail "dracut --include accepted a missing file"
    ok "bootable root (x86_64): bash runs, rpm -qa lists $qa packages, all ELF libraries resolve, sshd -t passes, dracut makes a reproducible initramfs for $kver ($(grep -c '\.ko$' <<< "$listing") modules), and one with cryptsetup and an --include'd key"

    # The tools Keel's engine runs when it installs from the live medium, run in that root.
    tool_rpms=()
    for name in e2fsprogs dosfstools gdisk efibootmgr xfsprogs binutils; do
        tool_rpms+=("$(ls "$DEST"/Packages/"${name:0:1}"/"$name"-[0-9]*.x86_64.rpm | head -n 1)")
    done
    rpm --root "$broot" --dbpath /usr/lib/sysimage/rpm -i --quiet "${RPM_INSTALL_FLAGS[@]}" "${tool_rpms[@]}" > "$SCRATCH/tools.out" 2>&1 \
        || fail "installing the installer tools failed: $(tail -n 3 "$SCRATCH/tools.out")"
    [[ -e $broot/dev/zero ]] || mknod -m 666 "$broot/dev/zero" c 1 5
    [[ -e $broot/dev/urandom ]] || mknod -m 666 "$broot/dev/urandom" c 1 9
    # Each in a private mount namespace with /proc mounted, as in the live system (e2fsprogs asks
    # /proc/mounts whether a file system is mounted).
    t() {
        unshare --mount --propagation private chroot "$broot" /usr/bin/env -i PATH=/usr/sbin:/usr/bin \
            /usr/bin/sh -c 'mount -t proc proc /proc && exec "$@"' sh "$@" > "$SCRATCH/tool.out" 2>&1 \
            || fail "in the root: $*: $(tail -n 3 "$SCRATCH/tool.out")"
    }
    [[ -f $broot/etc/mke2fs.conf ]] || fail "e2fsprogs lacks /etc/mke2fs.conf"
    t dd if=/dev/zero of=/tmp/ext4.img bs=1M count=0 seek=16
    t mkfs.ext4 -F -q -L ROOTTEST /tmp/ext4.img
    t e2fsck -fn /tmp/ext4.img
    t tune2fs -l /tmp/ext4.img
    grep -q 'volume name: *ROOTTEST' "$SCRATCH/tool.out" || fail "tune2fs -l does not show the label mkfs.ext4 set"
    t debugfs -R 'ls -l /' /tmp/ext4.img
    grep -q 'lost+found' "$SCRATCH/tool.out" || fail "debugfs does not list lost+found"
    t mkfs.vfat -C -n ESPTEST /tmp/fat.img 8192
    t fsck.fat -n /tmp/fat.img
    t dd if=/dev/zero of=/tmp/xfs.img bs=1M count=0 seek=320
    t mkfs.xfs -q -f /tmp/xfs.img
    t xfs_repair -n /tmp/xfs.img
    t dd if=/dev/zero of=/tmp/disk.img bs=1M count=0 seek=64
    t sgdisk --version
    t sgdisk -n 1:2048:+16M -t 1:EF00 /tmp/disk.img
    t sfdisk -d /tmp/disk.img
    grep -q 'C12A7328-F81F-11D2-BA4B-00A0C93EC93B' "$SCRATCH/tool.out" || fail "sfdisk does not see the ESP sgdisk made"
    t mkswap /tmp/fat.img
    for tool in partx blockdev wipefs losetup fallocate unshare; do t "$tool" --version; done
    t efibootmgr --version
    t objcopy --version
    grep -q 'GNU objcopy' "$SCRATCH/tool.out" || fail "objcopy is not the real one"
    # A UKI section glued on the stub, as Keel's UkiBuilder does.
    echo 'root=LABEL=x console=ttyS0' > "$broot/tmp/cmdline"
    t objcopy --add-section .cmdline=/tmp/cmdline --change-section-vma .cmdline=0x30000 /usr/lib/systemd/boot/efi/linuxx64.efi.stub /tmp/test.efi
    objdump -h "$broot/tmp/test.efi" | grep -q '\.cmdline' || fail "objcopy --add-section made no .cmdline section"
    # systemctl --root, as Keel's engine enables units; the preset scriptlets enable nothing.
    printf '[Unit]\nDescription=test\n[Service]\nExecStart=/usr/bin/true\n[Install]\nWantedBy=multi-user.target\n' > "$broot/usr/lib/systemd/system/keel-test.service"
    t systemctl --root / --quiet enable keel-test.service
    # Debian's systemctl names the unit by /lib/systemd/system (its first unit directory), which the
    # merged-/usr root resolves to /usr/lib/systemd/system.
    link=$(readlink "$broot/etc/systemd/system/multi-user.target.wants/keel-test.service" || true)
    [[ $link == /usr/lib/systemd/system/keel-test.service || $link == /lib/systemd/system/keel-test.service ]] \
        && [[ -f $broot$link ]] \
        || fail "systemctl --root enable made no multi-user.target.wants link to the unit (got '$link')"
    t systemctl --root / preset keel-test.service
    [[ ! -e $broot/etc/systemd/system/multi-user.target.wants/keel-test.service ]] || fail "systemctl preset left the unit enabled (99-default-disable.preset)"
    # The live initramfs: the medium's drivers and file systems, the live flag; an unknown module fails.
    in_root /usr/bin/dracut --no-hostonly --force --add dmsquash-live /tmp/initramfs-live.img "$kver" > "$SCRATCH/dracut.out" 2>&1 \
        || fail "dracut --add dmsquash-live failed: $(tail -n 3 "$SCRATCH/dracut.out")"
    live_listing=$(gzip -dc "$broot/tmp/initramfs-live.img" | cpio -t --quiet 2>/dev/null)
    for m in isofs squashfs erofs overlay loop sr_mod ahci usb-storage uas xhci-pci; do
        grep -q "/$m\.ko$" <<< "$live_listing" || fail "the live initramfs lacks $m.ko"
    done
    grep -qx etc/dracut-modules <<< "$live_listing" || fail "the live initramfs lacks etc/dracut-modules"
    ! in_root /usr/bin/dracut --force --add nonsense /tmp/x.img "$kver" > /dev/null 2>&1 || fail "dracut accepted --add nonsense"
    ok "installer tools in the root: mkfs.ext4/e2fsck/tune2fs/debugfs, mkfs.vfat/fsck.fat, mkfs.xfs/xfs_repair, sgdisk/sfdisk, mkswap, util-linux tools, efibootmgr, objcopy --add-section, systemctl --root enable; dracut --add dmsquash-live adds the medium's modules"
fi

# Advisories and upgrade: start from the vulnerable openssh and sudo.
root3=$SCRATCH/upgrade
mkdir -p "$root3"
dnf_in "$root3" -y install openssh-server-9.6p1-1.azl4 sudo-1.9.16p2-1.azl4 > "$SCRATCH/old.out" 2>&1 \
    || fail "installing the vulnerable openssh/sudo failed: $(tail -n 5 "$SCRATCH/old.out")"
dnf_in "$root3" updateinfo list --security > "$SCRATCH/updateinfo.out" 2>&1 || fail "dnf updateinfo list failed"
for id in AZL4-SA-2024-0001 AZL4-SA-2025-0002; do
    grep -q "^$id " "$SCRATCH/updateinfo.out" || fail "dnf updateinfo does not list $id for the old packages"
done
dnf_in "$root3" updateinfo list --security --with-cve > "$SCRATCH/cves.out" 2>&1
grep -q 'CVE-2024-6387' "$SCRATCH/cves.out" && grep -q 'CVE-2025-32463' "$SCRATCH/cves.out" \
    || fail "dnf updateinfo --with-cve lacks the CVEs"
dnf_in "$root3" -y upgrade --security > "$SCRATCH/upgrade.out" 2>&1 || fail "dnf upgrade --security failed"
[[ $(rpm --root "$root3" -q --qf '%{VERSION}' openssh-server) == 9.8p1 ]] || fail "openssh-server was not upgraded"
[[ $(rpm --root "$root3" -q --qf '%{VERSION}' sudo) == 1.9.17p1 ]] || fail "sudo was not upgraded"
dnf_in "$root3" updateinfo list --security > "$SCRATCH/updateinfo2.out" 2>&1
! grep -q '^AZL4-SA' "$SCRATCH/updateinfo2.out" || fail "advisories still listed after the upgrade"
ok "updateinfo lists AZL4-SA-2024-0001 (CVE-2024-6387) and AZL4-SA-2025-0002 (CVE-2025-32463); upgrade --security fixes both"

# Obsoletes: an Azure Linux 3 style moby-engine is replaced by podman-docker on upgrade.
moby=$(find "$DEST/Packages/m" -name "moby-engine-*.$(uname -m).rpm" | head -n 1)
dnf_in "$root3" -y install containerd iptables > /dev/null 2>&1 || fail "installing containerd failed"
rpm --root "$root3" -i --nodeps "${RPM_INSTALL_FLAGS[@]}" "$moby" || fail "rpm -i moby-engine failed"
dnf_in "$root3" -y upgrade > "$SCRATCH/obsolete.out" 2>&1 || fail "dnf upgrade failed: $(tail -n 5 "$SCRATCH/obsolete.out")"
rpm --root "$root3" -q moby-engine > /dev/null 2>&1 && fail "moby-engine is still installed after upgrade"
rpm --root "$root3" -q podman-docker > /dev/null || fail "podman-docker did not replace moby-engine"
ok "dnf upgrade replaces moby-engine with podman-docker (Obsoletes)"
