#!/usr/bin/env bash
# Builds the Debian bookworm chroot with the real cloud-init 22.4.2 that keel-agent is compared
# against (docs/provisioning.md, "Side by side with cloud-init").
#
#   tests/cloud-init-chroot/build.sh [--force] [DEST]
#
# DEST defaults to .work/cloud-init-chroot in the repository (where the tests look; override
# with KEEL_CLOUD_INIT_CHROOT). A second run with an existing, complete DEST does nothing. DEST is
# built in DEST.tmp-XXXXXX and renamed into place, so it is never half-built.
#
# Environment:
#   KEEL_DEBIAN_MIRROR  the apt mirror (default: the first bookworm URI of this host's apt sources,
#                       else http://deb.debian.org/debian)
set -euo pipefail

readonly SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
readonly REPO_ROOT=$(cd "$SCRIPT_DIR/../.." && pwd)
readonly SUITE=bookworm
# python3-cffi-backend provides the virtual python3-cffi-backend-api-* that python3-cryptography needs and debootstrap cannot resolve.
readonly PACKAGES=cloud-init,sudo,openssh-client,python3-cffi-backend
readonly WANT_VERSION=22.4.2
# Bump when the content of DEST changes in a way that needs a rebuild.
readonly FORMAT=2

log() { printf 'cloud-init-chroot: %s\n' "$*" >&2; }
die() { printf 'cloud-init-chroot: error: %s\n' "$*" >&2; exit 1; }

force=0
dest=
while (($#)); do
    case $1 in
        -f|--force) force=1 ;;
        -h|--help) sed -n '2,13s/^# \{0,1\}//p' "${BASH_SOURCE[0]}"; exit 0 ;;
        -*) die "unknown option $1 (see --help)" ;;
        *) [[ -z $dest ]] || die "more than one DEST given: $dest and $1"; dest=$1 ;;
    esac
    shift
done
dest=${dest:-${KEEL_CLOUD_INIT_CHROOT:-$REPO_ROOT/.work/cloud-init-chroot}}
dest=${dest%/}

[[ $(id -u) -eq 0 ]] || die "must run as root (debootstrap and chroot need it)"
command -v debootstrap >/dev/null || die "debootstrap is not installed (apt-get install debootstrap)"

# One build at a time (two test runs may start together); the second then finds it built.
mkdir -p "$(dirname "$dest")"
exec 9>"$dest.lock"
flock 9

stamp="$dest/.keel-cloud-init-chroot"
if ((!force)) && [[ -f $stamp ]] && [[ $(head -n1 "$stamp") == "format=$FORMAT" ]]; then
    exit 0
fi

mirror=${KEEL_DEBIAN_MIRROR:-}
if [[ -z $mirror ]]; then
    # The same mirror apt uses on this host (deb822 "URIs:" or one-line "deb URL bookworm").
    mirror=$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources 2>/dev/null |
        awk '/^URIs:/ && $2 ~ /\/debian\/?$/ {print $2; exit} /^deb / && $3 ~ /^bookworm$/ && $2 ~ /\/debian\/?$/ {print $2; exit}') || true
    mirror=${mirror:-http://deb.debian.org/debian}
fi

tmp=$(mktemp -d "$dest.tmp-XXXXXX")
trap 'rm -rf --one-file-system "$tmp" "$tmp.log"' EXIT
log "debootstrap $SUITE from $mirror into $tmp"
if ! debootstrap --variant=minbase --include="$PACKAGES" "$SUITE" "$tmp" "$mirror" >"$tmp.log" 2>&1; then
    tail -n 5 "$tmp.log" >&2
    [[ -f $tmp/debootstrap/debootstrap.log ]] && tail -n 25 "$tmp/debootstrap/debootstrap.log" >&2
    die "debootstrap of $SUITE from $mirror failed (see above)"
fi
rm -f "$tmp.log"

version=$(chroot "$tmp" dpkg-query -W -f '${Version}' cloud-init) || die "cloud-init is not installed in the chroot"
[[ $version == "$WANT_VERSION"* ]] || die "cloud-init in the chroot is $version, expected $WANT_VERSION"

# Nothing in the chroot may reach a network or start services: datasource NoCloud only, no network
# configuration; modules that need a booted machine (growpart, resizefs) or packages minbase lacks
# (locales) are switched off. keel-agent reads the same file, so both see the same system config.
mkdir -p "$tmp/etc/cloud/cloud.cfg.d"
cat >"$tmp/etc/cloud/cloud.cfg.d/90-keel-compare.cfg" <<'EOF'
datasource_list: [ NoCloud, None ]
network: {config: disabled}
growpart: {mode: "off"}
resize_rootfs: false
locale: false
EOF
printf '#!/bin/sh\nexit 101\n' >"$tmp/usr/sbin/policy-rc.d"
chmod 0755 "$tmp/usr/sbin/policy-rc.d"
# Apt caches are not part of what is compared and only make copies slower.
rm -rf "$tmp"/var/cache/apt/archives/*.deb "$tmp"/var/lib/apt/lists/*_Packages
printf 'format=%s\ncloud-init=%s\nmirror=%s\n' "$FORMAT" "$version" "$mirror" >"$tmp/.keel-cloud-init-chroot"

if [[ -e $dest ]]; then
    old=$(mktemp -d "$dest.old-XXXXXX")
    mv "$dest" "$old/"
    mv "$tmp" "$dest"
    rm -rf --one-file-system "$old"
else
    mv "$tmp" "$dest"
fi
trap - EXIT
log "built $dest (cloud-init $version)"
