#!/usr/bin/env bash
# keel mirror sync against dnf reposync of the same repository, served by python3 -m http.server on
# loopback: the first sync into an empty directory and a re-sync with nothing changed upstream.
#
#   bench/mirror/run.sh [--runs N] [--repo DIR] [--aot]
#
# The repository is the signed fixture repository (KEEL_FIXTURE_REPO, default .work/fixture-repo), or
# --repo DIR (signed with the fixture key, RPM-GPG-KEY-keel-fixture inside). keel (a Release build run with dotnet, or
# with --aot the NativeAOT binary from the keel RPM in KEEL_AGENT_REPO, as shipped) verifies repomd.xml's signature,
# every checksum and every package signature and publishes a snapshot; dnf reposync --download-metadata
# (repo_gpgcheck=1) verifies repomd.xml's signature and the checksums (its --gpgcheck needs the key in the
# host rpmdb, so packages are not signature-checked: the anchor does less work). Prints the median wall
# time of each over N runs (default 3) and the ratios keel/dnf.
set -euo pipefail

readonly BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
readonly REPO_ROOT=$(cd "$BENCH_DIR/../.." && pwd)

die() { printf 'bench/mirror: error: %s\n' "$*" >&2; exit 1; }

runs=3
aot=0
repo=${KEEL_FIXTURE_REPO:-$REPO_ROOT/.work/fixture-repo}
while (($#)); do
    case $1 in
        --runs) (($# >= 2)) || die "--runs needs a number"; runs=$2; shift ;;
        --repo) (($# >= 2)) || die "--repo needs a directory"; repo=$2; shift ;;
        --aot) aot=1 ;;
        -h|--help) sed -n '2,14s/^# \{0,1\}//p' "${BASH_SOURCE[0]}"; exit 0 ;;
        *) die "unknown argument $1 (see --help)" ;;
    esac
    shift
done
[[ $runs =~ ^[1-9][0-9]*$ ]] || die "--runs wants a positive number, not '$runs'"
[[ -f $repo/repodata/repomd.xml.asc ]] || die "$repo is not a signed rpm-md repository (build it with tests/fixture-distro/build.sh)"
# Not in scripts/setup-host.sh: Debian enables its "local" plugin, which adds a repository (without a key) to every
# dnf run and so breaks the gpgcheck-on dnf runs of the test suite; this bench turns it off for its own runs.
dnf reposync --help >/dev/null 2>&1 || die "dnf reposync is missing (apt-get install dnf-plugins-core)"
key=$repo/RPM-GPG-KEY-keel-fixture
[[ -f $key ]] || die "$key is missing"

work=$(mktemp -d "${TMPDIR:-/tmp}/keel-bench-mirror.XXXXXX")
server_pid=
cleanup() {
    [[ -n $server_pid ]] && kill "$server_pid" 2>/dev/null
    rm -rf --one-file-system "$work"
}
trap cleanup EXIT

if ((aot)); then
    # The NativeAOT keel as the keel RPM ships it (tests/agent-package/build.sh), without dotnet's start and JIT.
    rpm_file=$(find "${KEEL_AGENT_REPO:-$REPO_ROOT/.work/agent-repo}/Packages" -name 'keel-[0-9]*.rpm' 2>/dev/null | head -n 1)
    [[ -n $rpm_file ]] || die "--aot: no keel RPM in ${KEEL_AGENT_REPO:-$REPO_ROOT/.work/agent-repo} (build it with tests/agent-package/build.sh)"
    mkdir -p "$work/aot"
    (cd "$work/aot" && rpm2cpio "$rpm_file" | cpio -idm --quiet) || die "--aot: could not unpack $rpm_file"
    keel=("$work/aot/usr/libexec/keel/keel")
    [[ -x ${keel[0]} ]] || die "--aot: $rpm_file has no usr/libexec/keel/keel"
else
    dotnet build "$REPO_ROOT/src/Keel.Cli" -c Release -o "$work/keel" -nologo -v quiet >&2 || die "dotnet build of src/Keel.Cli failed"
    keel=(dotnet "$work/keel/keel.dll")
fi

packages=$(find "$repo/Packages" -name '*.rpm' | wc -l)
bytes=$(du -sb "$repo/Packages" | cut -f1)

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
(cd "$repo" && exec python3 -m http.server "$port" --bind 127.0.0.1 >/dev/null 2>&1) &
server_pid=$!
for _ in $(seq 50); do curl -sf "http://127.0.0.1:$port/repodata/repomd.xml" >/dev/null && break; sleep 0.1; done
url=http://127.0.0.1:$port/

mkdir -p "$work/repos.d"
printf '[main]\n' >"$work/dnf.conf"
printf '[bench]\nname=bench\nbaseurl=%s\ngpgcheck=1\nrepo_gpgcheck=1\ngpgkey=file://%s\n' "$url" "$key" >"$work/repos.d/bench.repo"

now_ns() { date +%s%N; }
timed() {
    local start end
    start=$(now_ns)
    if ! "$@" >>"$work/log" 2>&1; then
        tail -n 20 "$work/log" >&2
        die "$* failed (its output is above)"
    fi
    end=$(now_ns)
    echo $(((end - start) / 1000000))
}

keel_sync() { "${keel[@]}" mirror sync --progress plain --key "$key" "bench=$url" "$1"; }
dnf_sync() {
    dnf -q -y --disableplugin=local reposync -c "$work/dnf.conf" --releasever=4 --setopt=reposdir="$work/repos.d" \
        --setopt=cachedir="$2" --repoid=bench --download-metadata -p "$1"
}

median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : int((a[NR/2]+a[NR/2+1])/2)}'; }

declare -a kf kr df dr
for ((i = 1; i <= runs; i++)); do
    kf+=("$(timed keel_sync "$work/keel-$i")")
    kr+=("$(timed keel_sync "$work/keel-$i")")
    df+=("$(timed dnf_sync "$work/dnf-$i" "$work/dnf-cache-$i")")
    dr+=("$(timed dnf_sync "$work/dnf-$i" "$work/dnf-cache-$i")")
    rm -rf "$work/keel-$i" "$work/dnf-$i" "$work/dnf-cache-$i"
done

kfm=$(printf '%s\n' "${kf[@]}" | median)
krm=$(printf '%s\n' "${kr[@]}" | median)
dfm=$(printf '%s\n' "${df[@]}" | median)
drm=$(printf '%s\n' "${dr[@]}" | median)
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }'; }

printf 'repository: %s packages, %s bytes, over http://127.0.0.1 (python3 -m http.server); %s runs, median ms\n' "$packages" "$bytes" "$runs"
printf '%-12s %10s %10s %8s\n' "" "keel" "dnf" "keel/dnf"
printf '%-12s %10s %10s %8s\n' "first sync" "$kfm" "$dfm" "$(ratio "$kfm" "$dfm")"
printf '%-12s %10s %10s %8s\n' "re-sync" "$krm" "$drm" "$(ratio "$krm" "$drm")"
printf 'keel re-sync / keel first sync: %s\n' "$(ratio "$krm" "$kfm")"
