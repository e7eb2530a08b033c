#!/usr/bin/env bash
# Benchmark: check the signatures and digests of every package of the fixture repository (~200 RPMs signed with one
# RSA-3072 key), Keel's RpmPackageChecker against rpm --checksig (the anchor) in the same run, and against the same Keel
# program built from an older commit (the "before", default main) when that commit is given.
#
#   bench/openpgp/run.sh [--runs N] [--before REF|none]
#
# Keel loads the key once, then checks each package (what keel mirror sync / keel build downloads / keel validate do).
# rpm --checksig runs once over all packages against a throwaway rpmdb holding the imported key.
# Prints the median wall time of each and the ratios to rpm. Environment: KEEL_FIXTURE_REPO (default .work/fixture-repo).
set -euo pipefail

readonly BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
readonly REPO_ROOT=$(cd "$BENCH_DIR/../.." && pwd)

die() { printf 'bench/openpgp: error: %s\n' "$*" >&2; exit 1; }

runs=3
before=main
while (($#)); do
    case $1 in
        --runs) (($# >= 2)) || die "--runs needs a number"; runs=$2; shift ;;
        --before) (($# >= 2)) || die "--before needs a commit or 'none'"; before=$2; shift ;;
        -h|--help) sed -n '2,10s/^# \{0,1\}//p' "${BASH_SOURCE[0]}"; exit 0 ;;
        *) die "unknown argument '$1' (see --help)" ;;
    esac
    shift
done
[[ $runs =~ ^[1-9][0-9]*$ ]] || die "--runs must be a positive number, not '$runs'"

repo=${KEEL_FIXTURE_REPO:-$REPO_ROOT/.work/fixture-repo}
key=$repo/RPM-GPG-KEY-keel-fixture
[[ -f $key ]] || die "$key not found (build the fixture: tests/fixture-distro/build.sh, or set KEEL_FIXTURE_REPO)"
mapfile -t rpms < <(find "$repo" -name '*.rpm' | sort)
((${#rpms[@]} > 0)) || die "no RPM under $repo"

work=$(mktemp -d)
cleanup() {
    if [[ -d $work/before-tree ]]; then git -C "$REPO_ROOT" worktree remove --force "$work/before-tree" >/dev/null 2>&1 || true; fi
    rm -rf "$work"
}
trap cleanup EXIT

build() { # TREE OUT
    dotnet build "$1/bench/openpgp/Keel.Bench.OpenPgp" -c Release -nologo -v quiet -o "$2" >"$work/build.log" 2>&1 \
        || { cat "$work/build.log" >&2; die "build of $1 failed"; }
}
build "$REPO_ROOT" "$work/after"
if [[ $before != none ]]; then
    git -C "$REPO_ROOT" worktree add --detach "$work/before-tree" "$before" >/dev/null 2>&1 || die "cannot check out '$before'"
    mkdir -p "$work/before-tree/bench/openpgp"
    cp -r "$BENCH_DIR/Keel.Bench.OpenPgp" "$work/before-tree/bench/openpgp/"
    rm -rf "$work/before-tree/bench/openpgp/Keel.Bench.OpenPgp/bin" "$work/before-tree/bench/openpgp/Keel.Bench.OpenPgp/obj"
    build "$work/before-tree" "$work/before"
fi

rpm --dbpath "$work/rpmdb" --initdb
rpm --dbpath "$work/rpmdb" --import "$key"

# median NAME CMD...: runs CMD $runs times (a failure aborts), sets T_NAME to the median wall seconds.
median() {
    local name=$1; shift
    local times=()
    for ((i = 0; i < runs; i++)); do
        local start end
        start=$(date +%s.%N)
        "$@" >"$work/out.$name" 2>"$work/err.$name" || { cat "$work/err.$name" >&2; die "$name failed"; }
        end=$(date +%s.%N)
        times+=("$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.3f", b - a }')")
    done
    printf -v "T_$name" '%s' "$(printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')"
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b == 0) print "n/a"; else printf "%.2f", a / b }'; }

median rpm rpm --dbpath "$work/rpmdb" --checksig "${rpms[@]}"
bad=$(grep -vc ': digests signatures OK$' "$work/out.rpm" || true)
((bad == 0)) || die "rpm --checksig did not report every package OK"
median after dotnet "$work/after/Keel.Bench.OpenPgp.dll" "$key" "${rpms[@]}"
[[ $before == none ]] || median before dotnet "$work/before/Keel.Bench.OpenPgp.dll" "$key" "${rpms[@]}"

printf '%d packages, %d runs each (median wall seconds, including process start)\n' "${#rpms[@]}" "$runs"
printf '  %-28s %8s s  ratio to rpm\n' "rpm --checksig (anchor)" "$T_rpm"
printf '  %-28s %8s s  %s\n' "keel (this tree)" "$T_after" "$(ratio "$T_after" "$T_rpm")"
if [[ $before != none ]]; then
    printf '  %-28s %8s s  %s\n' "keel ($before)" "$T_before" "$(ratio "$T_before" "$T_rpm")"
    printf '  speed-up: %sx\n' "$(ratio "$T_before" "$T_after")"
fi
