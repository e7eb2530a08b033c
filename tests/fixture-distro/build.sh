#!/usr/bin/env bash
# Builds the Keel fixture distribution: a small, real, signed rpm-md repository modelled on
# Azure Linux 4.0 (see docs/fixture-distro.md).
#
#   tests/fixture-distro/build.sh [--force] [-j N] [DEST]
#
# DEST defaults to .work/fixture-repo in the repository (where tests/Shared/TestPaths.cs
# looks). A second run with unchanged inputs does nothing. DEST is replaced atomically: it
# is built in DEST.tmp-XXXXXX and renamed into place, so it is never half-built.
#
# Environment:
#   KEEL_FIXTURE_JOBS       parallel rpmbuild/rpmsign processes (default 2)
#   KEEL_FIXTURE_HOST_ROOT  where host/*.list paths are read from (default /)
set -euo pipefail

readonly FIXTURE_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
readonly REPO_ROOT=$(cd "$FIXTURE_DIR/../.." && pwd)
# Architectures the "all" entries of packages.tsv are built for; the first also builds the
# noarch packages.
readonly ARCHES=(x86_64 aarch64)
# 2025-01-01T00:00:00Z: build time, file mtimes and repodata revision.
readonly FIXTURE_EPOCH=1735689600
readonly KEY_UID='Keel Fixture Signing Key (throwaway, tests only) <fixture@keel.invalid>'
readonly KEY_FILE=RPM-GPG-KEY-keel-fixture
readonly REPO_ID=keel-fixture
# Bump when the layout of DEST changes in a way the input hash cannot see.
readonly FORMAT=1

log() { printf 'build.sh: %s\n' "$*" >&2; }
die() { printf 'build.sh: error: %s\n' "$*" >&2; exit 1; }

usage() {
    sed -n '2,16s/^# \{0,1\}//p' "${BASH_SOURCE[0]}"
}

force=0
jobs=${KEEL_FIXTURE_JOBS:-2}
dest=
while (($#)); do
    case $1 in
        -f|--force) force=1 ;;
        -j) (($# >= 2)) || die "-j needs a number"; jobs=$2; shift ;;
        -j*) jobs=${1#-j} ;;
        -h|--help) usage; exit 0 ;;
        -*) die "unknown option $1 (see --help)" ;;
        *) [[ -z $dest ]] || die "more than one DEST given: $dest and $1"; dest=$1 ;;
    esac
    shift
done
[[ $jobs =~ ^[1-9][0-9]*$ ]] || die "-j wants a positive number, not '$jobs'"
dest=${dest:-$REPO_ROOT/.work/fixture-repo}
dest=$(realpath -m -- "$dest")
[[ $dest != *[[:space:]]* ]] || die "DEST must not contain whitespace: '$dest'"
[[ $dest != / ]] || die "DEST must not be /"
readonly DEST=$dest JOBS=$jobs
readonly HOST_ROOT=${KEEL_FIXTURE_HOST_ROOT:-/}
# Packages of this architecture carry host binaries (bootable); the others keep stand-ins.
HOST_ARCH=$(uname -m)
readonly HOST_ARCH

# --- tools -----------------------------------------------------------------------------
check_tools() {
    local missing=() debs=() pair tool deb
    for pair in rpm:rpm rpmbuild:rpm rpmsign:rpm createrepo_c:createrepo-c modifyrepo_c:createrepo-c \
                gpg:gpg gpgconf:gpgconf gpg-agent:gpg-agent flock:util-linux realpath:coreutils \
                sha256sum:coreutils xargs:findutils find:findutils awk:mawk \
                objdump:binutils depmod:kmod; do
        tool=${pair%%:*} deb=${pair#*:}
        if ! command -v "$tool" >/dev/null 2>&1; then
            missing+=("$tool")
            [[ " ${debs[*]-} " == *" $deb "* ]] || debs+=("$deb")
        fi
    done
    if ((${#missing[@]})); then
        die "missing tools: ${missing[*]}; install them with: apt-get install ${debs[*]}"
    fi
    [[ $(rpm --showrc) == *'rpmlib(PayloadIsZstd)'* ]] \
        || die "this rpm cannot write zstd payloads (rpmlib(PayloadIsZstd) missing); install a zstd-enabled rpm"
}
check_tools
export LC_ALL=C TZ=UTC SOURCE_DATE_EPOCH=$FIXTURE_EPOCH
umask 022

RPM_CONFIG_DIR=$(rpm --eval '%{_rpmconfigdir}')
# rpm's own macros and dependency generators, then ours; /etc/rpm and ~/.rpmmacros are left
# out so the host cannot change what gets built.
readonly MACRO_PATH="$RPM_CONFIG_DIR/macros:$RPM_CONFIG_DIR/macros.d/macros.*:$RPM_CONFIG_DIR/platform/%{_target}/macros:$RPM_CONFIG_DIR/fileattrs/*.attr:$FIXTURE_DIR/macros.fixture"
GPG_BIN=$(command -v gpg)
readonly RPM_CONFIG_DIR GPG_BIN

# --- the input stamp -------------------------------------------------------------------
# Prints "HOST-PATH" for every line of every host/*.list (comments and blanks dropped).
host_list_paths() {
    local list src _
    for list in "$FIXTURE_DIR"/host/*.list; do
        [[ -e $list ]] || continue
        while read -r src _; do
            [[ -n $src && $src != \#* ]] || continue
            printf '%s\t%s\n' "$list" "$src"
        done < "$list"
    done
}

# Hashes everything the output depends on: our files, the tool versions, DEST (the .repo
# file names it) and the content of the host files that packages copy.
compute_stamp() {
    {
        echo "format $FORMAT"
        echo "dest $DEST"
        echo "host-root $HOST_ROOT"
        echo "arches ${ARCHES[*]}"
        rpm --version
        createrepo_c --version | sed -n 1p
        gpg --version | sed -n 1p
        (cd "$FIXTURE_DIR" && find build.sh macros.fixture packages.tsv comps.xml updateinfo.xml.in \
            lib specs host -type f -print0 | sort -z | xargs -0 sha256sum)
        local list src path
        while IFS=$'\t' read -r list src; do
            path=${HOST_ROOT%/}$src
            [[ -e $path ]] || die "${list#"$FIXTURE_DIR"/}: host file $path does not exist ($(awk -v s="$src" '$1==s && $3 && $3!="-" {print "install the Debian package " $3; f=1} END {if (!f) print "no package named"}' "$list"))"
            echo "host $src $(sha256sum < "$path" | cut -d' ' -f1)"
        done < <(host_list_paths)
        # The kernel, its modules and the library closure of the host binaries (x86_64).
        echo "host-arch $HOST_ARCH"
        if [[ " ${ARCHES[*]} " == *" $HOST_ARCH "* ]]; then
            local inputs
            inputs=$("$FIXTURE_DIR/lib/host-inputs.sh" all "$HOST_ROOT" "$FIXTURE_DIR/host") || die "cannot list the host inputs (see above)"
            while IFS= read -r path; do
                [[ -L ${HOST_ROOT%/}$path ]] && { echo "host $path -> $(readlink "${HOST_ROOT%/}$path")"; continue; }
                echo "host $path $(sha256sum < "${HOST_ROOT%/}$path" | cut -d' ' -f1)"
            done <<< "$inputs"
        fi
    } | sha256sum | cut -d' ' -f1
}

STAMP=$(compute_stamp)
readonly STAMP

is_current() {
    [[ -f $DEST/.keel-build/stamp && -f $DEST/repodata/repomd.xml && -f $DEST/repodata/repomd.xml.asc \
        && -f $DEST/$KEY_FILE && $(<"$DEST/.keel-build/stamp") == "$STAMP" ]]
}

refuse_foreign_dest() {
    if [[ -e $DEST && ! -f $DEST/.keel-build/stamp ]] && [[ ! -d $DEST || -n $(ls -A "$DEST" 2>/dev/null) ]]; then
        die "$DEST exists and was not made by this script; refusing to replace it"
    fi
}
refuse_foreign_dest
mkdir -p "$(dirname "$DEST")"
# Two test runs may ask for the same fixture at once: the second waits, then finds it current.
exec 9>"$DEST.lock"
flock 9

if ((!force)) && is_current; then
    log "$DEST is up to date"
    exit 0
fi
refuse_foreign_dest

started=$SECONDS
# Leftovers of runs that were killed outright; the lock says none is running now.
rm -rf -- "$DEST".tmp-* "$DEST".old-*
TMP=$(mktemp -d "$DEST.tmp-XXXXXX")
chmod 755 "$TMP"
GNUPGHOME=$(mktemp -d "${TMPDIR:-/tmp}/keel-fixture-gnupg.XXXXXX")
export GNUPGHOME
readonly TMP WORK=$TMP/.keel-build/work
cleanup() {
    gpgconf --kill gpg-agent >/dev/null 2>&1 || true
    rm -rf -- "$GNUPGHOME"
    [[ -z ${TMP-} || ! -e $TMP ]] || rm -rf -- "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
mkdir -p "$WORK/specs" "$WORK/logs"

# --- signing key -----------------------------------------------------------------------
# The key lives in DEST/.keel-build/gnupg so that rebuilds keep it; gpg itself runs in a
# short /tmp directory (agent socket paths are limited to ~100 characters).
chmod 700 "$GNUPGHOME"
if [[ -f $DEST/.keel-build/gnupg/pubring.kbx ]]; then
    cp -a "$DEST/.keel-build/gnupg/." "$GNUPGHOME/"
fi
key_fingerprint() {
    gpg --batch --with-colons --list-secret-keys 2>/dev/null | awk -F: '$1 == "fpr" {print $10; exit}'
}
FPR=$(key_fingerprint)
if [[ -z $FPR ]]; then
    log "generating the throwaway RSA 3072 signing key"
    gpg --batch --quiet --pinentry-mode loopback --passphrase '' \
        --quick-generate-key "$KEY_UID" rsa3072 sign never 2>"$WORK/logs/gpg-keygen.log" \
        || die "gpg could not generate the signing key: $(tail -n 3 "$WORK/logs/gpg-keygen.log")"
    FPR=$(key_fingerprint)
    [[ -n $FPR ]] || die "gpg generated no secret key in $GNUPGHOME"
fi
readonly FPR

# --- spec instances --------------------------------------------------------------------
# Each packages.tsv line becomes one concrete spec: the version and release are prepended
# as macros and a changelog entry appended. Jobs are "TARGET SPEC..." lines for xargs.
declare -A seen=()
: > "$WORK/jobs"
for arch in "${ARCHES[@]}"; do : > "$WORK/specs-$arch"; done
lineno=0
while read -r spec version release arches; do
    lineno=$((lineno + 1))
    [[ -n $spec && $spec != \#* ]] || continue
    where="packages.tsv:$lineno"
    [[ -n $arches ]] || die "$where: expected 'spec version release arches'"
    [[ -f $FIXTURE_DIR/specs/$spec.spec ]] || die "$where: no spec file specs/$spec.spec"
    [[ $version =~ ^[A-Za-z0-9._+~^]+$ && $release =~ ^[A-Za-z0-9._+~^]+$ ]] \
        || die "$where: version '$version' or release '$release' has characters rpm does not allow"
    [[ -z ${seen[$spec-$version-$release]-} ]] || die "$where: $spec $version-$release is listed twice"
    seen[$spec-$version-$release]=1
    out=$WORK/specs/$spec-$version-$release.spec
    {
        printf '%%global fx_version %s\n%%global fx_release %s\n\n' "$version" "$release"
        cat "$FIXTURE_DIR/specs/$spec.spec"
        printf '\n%%changelog\n* Wed Jan 01 2025 Keel fixture <fixture@keel.invalid> - %s-%s\n- Keel fixture build.\n' \
            "$version" "$release"
    } > "$out"
    case $arches in
        noarch) targets=("${ARCHES[0]}") ;;
        all) targets=("${ARCHES[@]}") ;;
        *) read -r -a targets <<< "$arches" ;;
    esac
    for target in "${targets[@]}"; do
        [[ " ${ARCHES[*]} " == *" $target "* ]] || die "$where: unknown architecture '$target' (known: ${ARCHES[*]} noarch all)"
        echo "$out" >> "$WORK/specs-$target"
    done
done < "$FIXTURE_DIR/packages.tsv"
# Small batches amortise rpmbuild's start-up; several batches keep both workers busy.
for arch in "${ARCHES[@]}"; do
    xargs -r -n 4 echo "$arch" < "$WORK/specs-$arch" >> "$WORK/jobs"
done

# --- rpmbuild --------------------------------------------------------------------------
# build_batch TARGET SPEC...: one rpmbuild for several specs; a separate topdir per target
# keeps the noarch subpackages of the two architecture builds apart.
build_batch() {
    local target=$1 log
    shift
    log=$(mktemp "$WORK/logs/rpmbuild-$target-XXXXXX")
    if ! rpmbuild --quiet --target "$target-linux" --macros "$MACRO_PATH" \
            --define "_topdir $WORK/top-$target" \
            --define "fx_lib $FIXTURE_DIR/lib" \
            --define "fx_hostlists $FIXTURE_DIR/host" \
            --define "fx_host_root $HOST_ROOT" \
            --define "fx_host_arch $HOST_ARCH" \
            -bb "$@" > "$log" 2>&1; then
        {
            echo "build.sh: error: rpmbuild --target $target failed for one of: ${*##*/}"
            tail -n 25 "$log"
        } >&2
        return 255 # makes xargs stop at once
    fi
}
export -f build_batch
# Concurrent rpmbuilds in one topdir race to create these (rpm's mkdir fails on EEXIST).
for arch in "${ARCHES[@]}"; do
    mkdir -p "$WORK/top-$arch"/{BUILD,BUILDROOT,SOURCES,SPECS,SRPMS} "$WORK/top-$arch/RPMS"/{noarch,"$arch"}
done
export WORK MACRO_PATH FIXTURE_DIR HOST_ROOT HOST_ARCH
log "building $(sort -u "$WORK"/specs-* | wc -l) specs for ${ARCHES[*]} ($JOBS parallel)"
xargs -P "$JOBS" -L 1 bash -c 'build_batch "$@"' _ < "$WORK/jobs" \
    || die "rpmbuild failed (see above)"

# --- collect ---------------------------------------------------------------------------
# Packages/<first letter>/NAME-VERSION-RELEASE.ARCH.rpm, as Fedora lays out its trees. A
# noarch subpackage of an arch package comes out of every architecture's build; the first
# architecture's copy is kept.
count=0
for arch in "${ARCHES[@]}"; do
    [[ -d $WORK/top-$arch/RPMS ]] || continue
    while IFS= read -r -d '' rpmfile; do
        base=${rpmfile##*/}
        letter=${base:0:1}
        target=$TMP/Packages/${letter,,}/$base
        [[ ! -e $target ]] || continue
        mkdir -p "${target%/*}"
        mv "$rpmfile" "$target"
        count=$((count + 1))
    done < <(find "$WORK/top-$arch/RPMS" -name '*.rpm' -print0 | sort -z)
done
rm -rf "$WORK"/top-*
((count > 0)) || die "rpmbuild produced no packages"
log "built $count packages ($((SECONDS - started)) s)"

# --- sign packages ---------------------------------------------------------------------
find "$TMP/Packages" -name '*.rpm' -print0 | sort -z \
    | xargs -0 -P "$JOBS" -n 16 rpmsign --addsign --macros "$MACRO_PATH" \
        --define "_gpg_name $FPR" --define "_gpg_path $GNUPGHOME" --define "__gpg $GPG_BIN" \
        > "$WORK/logs/rpmsign.log" 2>&1 \
    || die "rpmsign failed: $(tail -n 5 "$WORK/logs/rpmsign.log")"
gpg --batch --armor --export "$FPR" > "$TMP/$KEY_FILE"
log "signed $count packages ($((SECONDS - started)) s)"

# --- updateinfo ------------------------------------------------------------------------
# updateinfo.xml.in names each fixed build by its source RPM ("@packages-from SRPM@");
# every binary package built from it, on every architecture, goes into the pkglist.
find "$TMP/Packages" -name '*.rpm' -print0 | sort -z \
    | xargs -0 rpm -qp --nosignature --qf '%{SOURCERPM}\t%{NAME}\t%{EPOCHNUM}\t%{VERSION}\t%{RELEASE}\t%{ARCH}\n' \
    | sort > "$WORK/packages.tsv"
awk -F'\t' '
    FNR == NR {
        file = $2 "-" $4 "-" $5 "." $6 ".rpm"
        entries[$1] = entries[$1] sprintf("        <package name=\"%s\" epoch=\"%s\" version=\"%s\" release=\"%s\" arch=\"%s\" src=\"%s\">\n          <filename>%s</filename>\n        </package>\n", $2, $3, $4, $5, $6, $1, file)
        next
    }
    /^[ \t]*@packages-from [^@ ]+@[ \t]*$/ {
        srpm = $0
        sub(/^[ \t]*@packages-from /, "", srpm)
        sub(/@[ \t]*$/, "", srpm)
        if (!(srpm in entries)) { print "updateinfo.xml.in:" FNR ": no packages were built from " srpm > "/dev/stderr"; bad = 1; next }
        printf "%s", entries[srpm]
        next
    }
    { print }
    END { exit bad }
' "$WORK/packages.tsv" "$FIXTURE_DIR/updateinfo.xml.in" > "$WORK/updateinfo.xml" \
    || die "updateinfo.xml.in refers to builds that packages.tsv does not make"

# --- repodata --------------------------------------------------------------------------
createrepo_c --quiet --no-database --revision "$FIXTURE_EPOCH" --set-timestamp-to-revision \
    --general-compress-type=gz \
    --distro="cpe:/o:microsoft:azurelinux:4.0,Azure Linux 4.0 (Keel fixture)" \
    --groupfile "$FIXTURE_DIR/comps.xml" --excludes '.keel-build/*' "$TMP" \
    > "$WORK/logs/createrepo.log" 2>&1 \
    || die "createrepo_c failed: $(tail -n 5 "$WORK/logs/createrepo.log")"
modifyrepo_c --mdtype=updateinfo --compress-type=gz "$WORK/updateinfo.xml" "$TMP/repodata" \
    > "$WORK/logs/modifyrepo.log" 2>&1 \
    || die "modifyrepo_c failed: $(tail -n 5 "$WORK/logs/modifyrepo.log")"
gpg --batch --yes --local-user "$FPR" --armor --detach-sign \
    --output "$TMP/repodata/repomd.xml.asc" "$TMP/repodata/repomd.xml"

cat > "$TMP/$REPO_ID.repo" <<EOF
# dnf repository definition for the Keel fixture distribution (tests only).
[$REPO_ID]
name=Keel fixture distribution (modelled on Azure Linux 4.0)
baseurl=file://$DEST
enabled=1
gpgcheck=1
repo_gpgcheck=1
gpgkey=file://$DEST/$KEY_FILE
EOF

# --- finish ----------------------------------------------------------------------------
gpgconf --kill gpg-agent >/dev/null 2>&1 || true
mkdir -p "$TMP/.keel-build/gnupg"
chmod 700 "$TMP/.keel-build/gnupg"
(cd "$GNUPGHOME" && cp -a pubring.kbx trustdb.gpg private-keys-v1.d "$TMP/.keel-build/gnupg/")
rm -rf "$WORK"
echo "$STAMP" > "$TMP/.keel-build/stamp"

if [[ -e $DEST ]]; then
    old=$(mktemp -d "$DEST.old-XXXXXX")
    mv "$DEST" "$old/"
    mv "$TMP" "$DEST"
    rm -rf -- "$old"
else
    mv "$TMP" "$DEST"
fi
log "built $DEST: $count signed packages, key $FPR, $((SECONDS - started)) s"
