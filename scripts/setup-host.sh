#!/usr/bin/env bash
# Installs what Keel's build, demo and tests need on a Debian 12 machine, from Debian's packages only.
# Idempotent: does nothing when every package is already present.
set -euo pipefail

packages=(
  rpm rpm2cpio cpio            # rpm, rpmbuild, rpmsign, rpmkeys; payload extraction for side-by-side tests
  createrepo-c                 # createrepo_c, modifyrepo_c
  dnf libsolv-tools            # the resolvers Keel is checked against (dnf, testsolv, repo2solv)
  gnupg                        # throwaway signing key of the fixture distribution
  zstd xz-utils bzip2 gzip     # metadata and payload compressions
  libxml2-utils                # xmllint, used by tests to cross-check XML readers
  python3-yaml                 # tests/fixture-distro/verify.sh compares presets with comps
  openssh-client openssh-server kmod passwd  # fixture-distro packages the host sshd and depmod; keel-agent's ssh module runs ssh-keygen; tests read expiry with chage
  qemu-system-x86 qemu-utils ovmf systemd-boot-efi linux-image-amd64 busybox-static mtools dosfstools gdisk binutils  # keel vm run (qemu, OVMF, qemu-img, NoCloud seed) and tests/boot-fixture/build.sh
  e2fsprogs xfsprogs util-linux mount  # keel build/install: mkfs.ext4 -d, debugfs, mkfs.xfs, partx, blockdev, unshare, mkswap, losetup (xfs fill)
  cloud-guest-utils  # keel-agent growpart module and its loop-device tests: growpart (Fedora: cloud-utils-growpart)
  coreutils systemd time       # stat(1) in the device checks; systemctl --root for services; /usr/bin/time in bench/
  udev                         # the fixture's systemd package carries udevd, udevadm and udev's rules
  podman containerd crun runc conmon netavark aardvark-dns containernetworking-plugins iptables nftables  # the fixture's real container stack (copied into its packages; no service starts here)
  cryptsetup-bin               # the fixture packages the host cryptsetup for first-boot LUKS2 encryption
  efibootmgr fdisk             # the fixture packages them for the live installer (efibootmgr; sfdisk is in fdisk)
  squashfs-tools erofs-utils   # tests/fixture-distro/verify-live.sh squashes the live root (mksquashfs, mkfs.erofs)
  tmux                         # the interactive installer's E2E test types at the serial console in an 80x24 tmux terminal
  debootstrap debian-archive-keyring xorriso  # cloud-init 22.4.2 chroot for side-by-side tests; keel-agent reads iso9660 seeds
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if ((${#missing[@]})); then
  echo "setup-host: installing ${missing[*]}" >&2
  if [ "$(id -u)" -ne 0 ]; then
    echo "setup-host: need root to install packages (run with sudo)" >&2
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if ! command -v dotnet >/dev/null 2>&1; then
  echo "setup-host: the .NET 10 SDK (dotnet) is not on PATH; install it first (https://learn.microsoft.com/dotnet/core/install/linux-debian)" >&2
  exit 1
fi
