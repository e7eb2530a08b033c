#!/usr/bin/env bash
# bench/installer: the interactive installer's two goals from issue 10, measured (never asserted by the test suite):
#   - `keel installer --dry-run` on the host: time from starting it to its first screen (goal: under 1 s), the median of
#     RUNS starts, each in a fresh 80x24 tmux terminal, polled every 10 ms (tmux's own start is included: it is part of
#     what a person waits for, and it makes the figure an upper bound);
#   - the peak memory (VmHWM) of the whole interactive session (service and UI are one process) after a dry-run walk
#     through all eleven screens to the finish, typed as a person would (goal: under 100 MB).
# Ratios are printed against the goals (goal / measured: above 1 meets it). keel here is the NativeAOT binary the medium
# runs (from the keel RPM in KEEL_AGENT_REPO, or KEEL_AOT); KEEL_JIT names a JIT build to measure beside it.
# Usage: bench/installer/run.sh [RUNS]   (after scripts/test.sh built the fixture and agent repositories)
# Env: KEEL_AOT (a keel binary), KEEL_JIT (a JIT build to measure beside it), BENCH_ENV (variables for the installer, e.g.
# DOTNET_GCgen0size=400000 to try another GC budget), BENCH_TRACE=1 (the peak after each screen, on stderr).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
repo=${KEEL_FIXTURE_REPO:-$top/.work/fixture-repo}
agent=${KEEL_AGENT_REPO:-$top/.work/agent-repo}
runs=${1:-10}
work=$(mktemp -d /tmp/keel-bench-installer.XXXXXX)
session=keel-bench-installer-$$
trap 'tmux kill-session -t "$session" 2>/dev/null || true; rm -rf "$work"' EXIT
command -v tmux >/dev/null || { echo "bench/installer: tmux is missing (scripts/setup-host.sh installs it)" >&2; exit 1; }

aot=${KEEL_AOT:-}
if [ -z "$aot" ]; then
    rpm=$(ls "$agent"/Packages/keel-[0-9]*.rpm 2>/dev/null | head -1)
    [ -n "$rpm" ] || { echo "bench/installer: no keel RPM in $agent: run tests/agent-package/build.sh" >&2; exit 1; }
    mkdir -p "$work/aot" && (cd "$work/aot" && rpm2cpio "$rpm" | cpio -idm --quiet)
    aot=$work/aot/usr/libexec/keel/keel
fi
profile=$top/examples/installer-profiles/one-disk.json

screen() { tmux capture-pane -p -t "$session"; }
# wait_for TEXT SECONDS: polls the screen every 10 ms until TEXT shows; fails with the screen after SECONDS.
wait_for() {
    local deadline=$(($(date +%s%N) + $2 * 1000000000))
    until screen | grep -qF -- "$1"; do
        [ "$(date +%s%N)" -lt "$deadline" ] || { echo "bench/installer: '$1' did not show within $2 s:" >&2; screen >&2; exit 1; }
        sleep 0.01
    done
}
keys() { tmux send-keys -t "$session" "$@"; sleep 0.3; }
# next_to N: F10 until screen N/11 shows (a person presses again when the screen was still loading), at most 60 s.
next_to() {
    local deadline=$(($(date +%s) + 60))
    until screen | grep -qF -- "$1/11"; do
        [ "$(date +%s)" -lt "$deadline" ] || { echo "bench/installer: screen $1/11 did not show within 60 s:" >&2; screen >&2; exit 1; }
        tmux send-keys -t "$session" F10
        for _ in $(seq 1 20); do sleep 0.1; screen | grep -qF -- "$1/11" && break; done
    done
}
typed() { tmux send-keys -t "$session" -l "$1"; sleep 0.3; }

# start_time BINARY: seconds from starting the installer to "1/11" on the screen.
start_time() {
    local t0 t1
    t0=$(date +%s%N)
    tmux new-session -d -s "$session" -x 80 -y 24 "env ${BENCH_ENV:-} $1 installer --dry-run --profile $profile --repo $repo; sleep 60"
    wait_for "1/11" 20
    t1=$(date +%s%N)
    tmux kill-session -t "$session"
    echo "scale=3; ($t1 - $t0) / 1000000000" | bc
}

median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }

# walk BINARY: the whole dry-run session; prints the process's peak RSS in MiB.
walk() {
    tmux new-session -d -s "$session" -x 80 -y 24 "env ${BENCH_ENV:-} $1 installer --dry-run --profile $profile --repo $repo; sleep 60"
    wait_for "1/11" 20
    local pid
    pid=$(pgrep -f -n "^$1 installer --dry-run") || { echo "bench/installer: the installer process is gone" >&2; exit 1; }
    for n in 2 3 4 5 6 7; do next_to "$n"; [ -z "${BENCH_TRACE:-}" ] || echo "screen $n: $(grep VmHWM /proc/$pid/status)" >&2; done
    wait_for "Will boot." 60
    next_to 8
    keys Tab; typed admin; keys Tab; typed 'bench-password-1'; keys Tab; typed 'bench-password-1'
    next_to 9
    wait_for "nothing blocks" 60
    next_to 10 # the first F10 asks, the second confirms
    wait_for "F10 goes on" 120
    [ -z "${BENCH_TRACE:-}" ] || echo "installed: $(grep VmHWM /proc/$pid/status)" >&2
    next_to 11
    grep VmHWM "/proc/$pid/status" | awk '{printf "%.1f\n", $2 * 1024 / 1000000}'
    tmux kill-session -t "$session"
}

printf 'bench/installer: %s runs of keel installer --dry-run (%s), profile %s\n' "$runs" "$aot" "$(basename "$profile")"
declare -A start peak
binaries=(aot); [ -n "${KEEL_JIT:-}" ] && binaries+=(jit)
for b in "${binaries[@]}"; do
    bin=$aot; [ "$b" = jit ] && bin=$KEEL_JIT
    start_time "$bin" >/dev/null # warm the page cache; not counted
    start[$b]=$(for _ in $(seq 1 "$runs"); do start_time "$bin"; done | median)
    peak[$b]=$(walk "$bin")
done

printf '\n%-34s %10s %10s %8s\n' "measure" "keel" "goal" "ratio"
for b in "${binaries[@]}"; do
    printf '%-34s %9.3fs %9.1fs %7.1fx\n' "start to first screen ($b)" "${start[$b]}" 1 "$(echo "scale=3; 1 / ${start[$b]}" | bc)"
    printf '%-34s %8.1fMB %8.0fMB %7.1fx\n' "peak RSS, whole session ($b)" "${peak[$b]}" 100 "$(echo "scale=3; 100 / ${peak[$b]}" | bc)"
done
