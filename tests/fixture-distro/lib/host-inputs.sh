#!/bin/sh
# host-inputs.sh COMMAND HOSTROOT ...
# The host files behind the bootable (x86_64) packages that host/*.list does not name one by
# one. build.sh hashes their content into the stamp; the specs copy them. HOSTROOT is the
# host (/) or a host-like tree (KEEL_FIXTURE_HOST_ROOT); printed paths are relative to it.
#
#   kver HOSTROOT                the newest kernel in HOSTROOT/boot/vmlinuz-* (its release)
#   modules HOSTROOT KVER LIST   the modules named in LIST (one per line, '#' comments) and
#                                their modules.dep dependencies, dependencies first, as paths
#                                relative to /lib/modules/KVER; built-in modules are skipped
#   libs HOSTROOT LISTDIR        the shared-library closure (DT_NEEDED, recursively, looked up
#                                in a file's DT_RUNPATH first, then Debian's library
#                                directories) of every ELF file named in LISTDIR/*.list, and
#                                the dynamic loader: one absolute path per line, symlinks and
#                                their targets
#   all HOSTROOT LISTDIR         every host path the above name (for the stamp)
set -eu
LC_ALL=C
export LC_ALL
cmd=${1-}
hostroot=${2%/}

die() { echo "host-inputs: $*" >&2; exit 1; }

# Debian's multiarch library directories, searched the way its ld.so does without a cache.
LIBDIRS="/lib/x86_64-linux-gnu /usr/lib/x86_64-linux-gnu /lib64 /usr/lib64"

host_kver() {
    v=$(ls -1 "$hostroot"/boot/vmlinuz-* 2>/dev/null | sed 's|.*/vmlinuz-||' | sort -V | tail -n 1)
    [ -n "$v" ] || die "no kernel in $hostroot/boot/vmlinuz-* (install the Debian package linux-image-amd64)"
    [ -f "$hostroot/lib/modules/$v/modules.dep" ] \
        || die "$hostroot/lib/modules/$v/modules.dep is missing (the modules of kernel $v are not installed)"
    echo "$v"
}

# Module names treat '-' and '_' alike, as modprobe does.
host_modules() {
    kver=$1 list=$2
    moddir=$hostroot/lib/modules/$kver
    awk -v want="$(grep -v '^[[:space:]]*#' "$list" | tr -s ' \t\n' '  ')" -v builtin="$moddir/modules.builtin" '
        function norm(s) { sub(/.*\//, "", s); sub(/\.ko(\.[a-z]+)?$/, "", s); gsub(/-/, "_", s); return s }
        function visit(name,    n, i, d) {
            if (name in done) return
            done[name] = 1
            if (!(name in path)) {
                if (name in isbuiltin) return
                print "host-inputs: module " name " is neither in modules.dep nor built in" > "/dev/stderr"
                bad = 1; return
            }
            n = split(deps[name], d, " ")
            for (i = 1; i <= n; i++) visit(norm(d[i]))
            print path[name]
        }
        BEGIN {
            while ((getline line < builtin) > 0) isbuiltin[norm(line)] = 1
        }
        {
            p = $1; sub(/:$/, "", p)
            name = norm(p); path[name] = p
            d = $0; sub(/^[^:]*:[ ]*/, "", d); deps[name] = d
        }
        END {
            n = split(want, w, " ")
            for (i = 1; i <= n; i++) if (w[i] != "") visit(norm(w[i]))
            exit bad
        }
    ' "$moddir/modules.dep"
}

is_elf() { [ "$(head -c 4 "$1" 2>/dev/null | od -An -c | tr -d ' ')" = '177ELF' ]; }

# DT_NEEDED sonames of FILE (empty for static binaries and non-ELF files).
needed() { objdump -p "$1" 2>/dev/null | awk '$1 == "NEEDED" {print $2}'; }

# The DT_RUNPATH (or DT_RPATH) directories of FILE, space-separated; ld.so searches them before
# the default directories (Debian's systemctl: /usr/lib/x86_64-linux-gnu/systemd). $ORIGIN
# entries are left out: no host file of the fixture uses them.
runpath() {
    objdump -p "$1" 2>/dev/null | awk '$1 == "RUNPATH" || $1 == "RPATH" {n = split($2, d, ":"); for (i = 1; i <= n; i++) if (d[i] ~ /^\//) printf "%s ", d[i]}'
}

# find_lib SONAME [DIR...]: the first DIR, then Debian's library directories.
find_lib() {
    so=$1; shift
    for d in "$@" $LIBDIRS; do
        if [ -e "$hostroot$d/$so" ]; then echo "$d/$so"; return 0; fi
    done
    return 1
}

host_libs() {
    listdir=$1
    command -v objdump >/dev/null 2>&1 || die "objdump is missing (install the Debian package binutils)"
    work=$(mktemp -d "${TMPDIR:-/tmp}/host-inputs.XXXXXX")
    trap 'rm -rf "$work"' EXIT
    : > "$work/queue"
    for list in "$listdir"/*.list; do
        [ -e "$list" ] || continue
        grep -v '^[[:space:]]*#' "$list" | while read -r src _; do
            [ -n "$src" ] || continue
            f=$hostroot$src
            if [ -f "$f" ] && [ ! -L "$f" ] && is_elf "$f"; then echo "$f" >> "$work/queue"; fi
        done
    done
    : > "$work/seen"
    : > "$work/found"
    echo "/lib64/ld-linux-x86-64.so.2" > "$work/out"
    # Breadth-first over DT_NEEDED; every library is visited once.
    while [ -s "$work/queue" ]; do
        : > "$work/next"
        while read -r f; do
            rp=$(runpath "$f")
            for so in $(needed "$f"); do
                # A soname is resolved once, unless FILE's RUNPATH may find another copy.
                if [ -z "$rp" ] && grep -qxF "$so" "$work/seen"; then continue; fi
                p=$(find_lib "$so" $rp) || die "library $so (needed by ${f#"$hostroot"}) is not in $hostroot{$rp$LIBDIRS}"
                if grep -qxF "$p" "$work/found"; then continue; fi
                echo "$p" >> "$work/found"
                echo "$so" >> "$work/seen"
                echo "$p" >> "$work/out"
                real=$(cd "$hostroot${p%/*}" && readlink -f "${p##*/}")
                echo "$hostroot${real#"$hostroot"}" >> "$work/next"
            done
        done < "$work/queue"
        mv "$work/next" "$work/queue"
    done
    # Symlinks (soname -> real file; /lib64/ld-linux -> multiarch dir) and their targets.
    while read -r p; do
        echo "$p"
        q=$p
        while [ -L "$hostroot$q" ]; do
            t=$(readlink "$hostroot$q")
            case $t in /*) q=$t ;; *) q=${q%/*}/$t ;; esac
            q=$(echo "$q" | sed -e 's|/\./|/|g' -e ':a' -e 's|/[^/]*/\.\./|/|' -e 'ta')
            echo "$q"
        done
    done < "$work/out" | awk '!seen[$0]++'
}

case $cmd in
    kver) host_kver ;;
    modules) host_modules "$3" "$4" ;;
    libs) host_libs "$3" ;;
    all)
        listdir=$3
        kver=$(host_kver)
        echo "/boot/vmlinuz-$kver"
        echo "/boot/System.map-$kver"
        for f in modules.builtin modules.builtin.modinfo modules.order; do echo "/lib/modules/$kver/$f"; done
        host_modules "$kver" "$listdir/kernel.modules" | sed "s|^|/lib/modules/$kver/|"
        host_libs "$listdir"
        ;;
    *) die "unknown command '${cmd}' (kver, modules, libs, all)" ;;
esac
