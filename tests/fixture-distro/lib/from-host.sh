#!/bin/sh
# from-host.sh BUILDROOT HOSTROOT LIST FILELIST
# Copies files from the host (or a host-like tree at HOSTROOT, e.g. a debootstrap) into a
# package's buildroot, as listed in LIST, and writes the packaged paths to FILELIST for
# "%files -f FILELIST".
#
# LIST lines:  HOST-PATH  [PACKAGE-PATH]  [DEBIAN-PACKAGE]
#   HOST-PATH      absolute path on the host; symlinks are copied as symlinks
#   PACKAGE-PATH   where it goes in the package ("=" or absent: same path)
#   DEBIAN-PACKAGE named in the error when HOST-PATH is missing ("-" or absent: none)
# '#' starts a comment. Regular files keep their mode; owner becomes root (rpm's default).
set -eu
root=$1 hostroot=${2%/} list=$3 filelist=$4
[ -r "$list" ] || { echo "from-host: cannot read list $list" >&2; exit 1; }
: > "$filelist"
grep -v '^[[:space:]]*#' "$list" | while read -r src dst deb; do
    [ -n "$src" ] || continue
    [ -n "${dst:-}" ] && [ "$dst" != "=" ] || dst=$src
    if [ ! -e "$hostroot$src" ] && [ ! -L "$hostroot$src" ]; then
        hint=""
        [ -n "${deb:-}" ] && [ "$deb" != "-" ] && hint=" (install the Debian package $deb)"
        echo "from-host: $list: $hostroot$src does not exist$hint" >&2
        exit 1
    fi
    mkdir -p "$root${dst%/*}"
    cp -P --preserve=mode "$hostroot$src" "$root$dst"
    echo "$dst" >> "$filelist"
done
