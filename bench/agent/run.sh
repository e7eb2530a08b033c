#!/usr/bin/env bash
# keel-agent against the real cloud-init 22.4.2: first boot and repeat boot of a typical config
# (bench/agent/seed: 2 users with keys, 5 files, hostname, runcmd), same seed, same root layout
# (two cp -a copies of the Debian bookworm chroot of tests/cloud-init-chroot/build.sh).
#
#   bench/agent/run.sh [--runs N] [--agent PATH] [--keep-host-keys]
#
# cloud-init runs its four boot stages inside its copy (chroot, new UTS and network namespaces);
# keel-agent (the NativeAOT binary, published to .work/keel-agent-aot unless --agent is given)
# runs `run --root COPY --seed COPY/var/lib/cloud/seed/nocloud --execute` in the same namespaces.
# "Repeat boot" runs the same commands again on the provisioned copies (same instance-id).
# Prints the median wall time of each, the ratios, and keel-agent's peak RSS (/usr/bin/time -v).
# --keep-host-keys: both copies start with the same host keys (ssh-keygen -A in the base) and the
# seed adds ssh_deletekeys: false, so neither agent spends its time generating RSA keys.
set -euo pipefail

readonly BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
readonly REPO_ROOT=$(cd "$BENCH_DIR/../.." && pwd)

die() { printf 'bench/agent: error: %s\n' "$*" >&2; exit 1; }

runs=3
agent=
keep_keys=0
while (($#)); do
    case $1 in
        --runs) (($# >= 2)) || die "--runs needs a number"; runs=$2; shift ;;
        --agent) (($# >= 2)) || die "--agent needs a path"; agent=$2; shift ;;
        --keep-host-keys) keep_keys=1 ;;
        -h|--help) sed -n '2,14s/^# \{0,1\}//p' "${BASH_SOURCE[0]}"; exit 0 ;;
        *) die "unknown argument $1 (see --help)" ;;
    esac
    shift
done
[[ $runs =~ ^[1-9][0-9]*$ ]] || die "--runs wants a positive number, not '$runs'"
[[ $(id -u) -eq 0 ]] || die "must run as root (chroot, unshare)"
[[ -x /usr/bin/time ]] || die "/usr/bin/time is missing (apt-get install time)"

chroot_dir=${KEEL_CLOUD_INIT_CHROOT:-$REPO_ROOT/.work/cloud-init-chroot}
"$REPO_ROOT/tests/cloud-init-chroot/build.sh" "$chroot_dir"

if [[ -z $agent ]]; then
    agent=$REPO_ROOT/.work/keel-agent-aot/keel-agent
    dotnet publish "$REPO_ROOT/src/Keel.Agent" -r linux-x64 -c Release -o "$REPO_ROOT/.work/keel-agent-aot" -nologo -v quiet >&2 ||
        die "dotnet publish of src/Keel.Agent (NativeAOT) failed"
fi
[[ -x $agent ]] || die "$agent is not an executable keel-agent"

work=$(mktemp -d "${TMPDIR:-/tmp}/keel-bench-agent.XXXXXX")
trap 'rm -rf --one-file-system "$work"' EXIT

base=$chroot_dir
mkdir -p "$work/seed"
cp "$BENCH_DIR/seed/meta-data" "$BENCH_DIR/seed/user-data" "$work/seed/"
if ((keep_keys)); then
    base=$work/base
    cp -a "$chroot_dir" "$base"
    chroot "$base" ssh-keygen -A >/dev/null
    printf 'ssh_deletekeys: false\n' >>"$work/seed/user-data"
fi

now_ns() { date +%s%N; }

# Runs "$@" and prints its wall time in ms; its output goes to $work/log.
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

cloud_init_boot() {
    local root=$1 stage
    for stage in "init --local" "init" "modules --mode config" "modules --mode final"; do
        # shellcheck disable=SC2086 # the stage is words
        unshare --uts --net chroot "$root" cloud-init $stage || return 1
    done
}

keel_boot() {
    local root=$1
    unshare --uts --net /usr/bin/time -v -o "$work/time.txt" "$agent" run --root "$root" --seed "$root/var/lib/cloud/seed/nocloud" --execute
}

median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR + 1) / 2] : int((a[NR / 2] + a[NR / 2 + 1]) / 2)}'; }

: >"$work/ci-first" >"$work/ci-repeat" >"$work/keel-first" >"$work/keel-repeat" >"$work/rss"
for ((i = 1; i <= runs; i++)); do
    for side in ci keel; do
        rm -rf --one-file-system "${work:?}/$side"
        cp -a "$base" "$work/$side"
        mkdir -p "$work/$side/var/lib/cloud/seed/nocloud"
        cp "$work/seed/meta-data" "$work/seed/user-data" "$work/$side/var/lib/cloud/seed/nocloud/"
    done
    sync
    timed cloud_init_boot "$work/ci" >>"$work/ci-first"
    timed keel_boot "$work/keel" >>"$work/keel-first"
    awk -F': ' '/Maximum resident set size/ {print $2}' "$work/time.txt" >>"$work/rss"
    timed cloud_init_boot "$work/ci" >>"$work/ci-repeat"
    timed keel_boot "$work/keel" >>"$work/keel-repeat"
    awk -F': ' '/Maximum resident set size/ {print $2}' "$work/time.txt" >>"$work/rss"
    printf 'run %d: cloud-init %s / %s ms, keel-agent %s / %s ms (first / repeat)\n' "$i" \
        "$(tail -n1 "$work/ci-first")" "$(tail -n1 "$work/ci-repeat")" "$(tail -n1 "$work/keel-first")" "$(tail -n1 "$work/keel-repeat")"
done

ci_first=$(median <"$work/ci-first")
ci_repeat=$(median <"$work/ci-repeat")
keel_first=$(median <"$work/keel-first")
keel_repeat=$(median <"$work/keel-repeat")
# The fastest run of each is the one least disturbed by other load on the machine.
least() { sort -n "$1" | head -n1; }
rss_kb=$(sort -n "$work/rss" | tail -n1)
version=$(sed -n 's/^cloud-init=//p' "$chroot_dir/.keel-cloud-init-chroot")

echo
echo "keel-agent vs cloud-init $version, typical config$( ((keep_keys)) && echo ' (host keys kept)'), $runs run(s), load average $(cut -d' ' -f1-3 /proc/loadavg):"
printf '  %-15s %12s %12s %10s %14s\n' boot cloud-init keel-agent speedup "keel/cloud-init"
row() { awk -v n="$1" -v c="$2" -v k="$3" 'BEGIN {printf "  %-15s %9d ms %9d ms %9.1fx %14.3f\n", n, c, k, c / (k ? k : 1), k / c}'; }
row "first, median" "$ci_first" "$keel_first"
row "first, fastest" "$(least "$work/ci-first")" "$(least "$work/keel-first")"
row "repeat, median" "$ci_repeat" "$keel_repeat"
row "repeat, fastest" "$(least "$work/ci-repeat")" "$(least "$work/keel-repeat")"
awk -v r="$rss_kb" 'BEGIN {printf "  keel-agent peak RSS: %.1f MB (largest of all runs, /usr/bin/time -v; includes the ssh-keygen and chroot children it waits for)\n", r / 1024}'
