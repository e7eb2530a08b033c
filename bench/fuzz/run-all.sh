#!/usr/bin/env bash
# Runs every fuzz target of bench/fuzz for SECONDS each, two at a time (one per core of a small machine), and prints
# the summary lines run.sh appends to .work/fuzz/results.txt.
#
#   bench/fuzz/run-all.sh SECONDS [PARALLEL]
set -euo pipefail

main() {
    local bench_dir seconds parallel
    bench_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
    [[ ${1:-} =~ ^[1-9][0-9]*$ ]] || { echo "usage: run-all.sh SECONDS [PARALLEL]" >&2; exit 2; }
    seconds=$1
    parallel=${2:-2}
    local -a pids=()
    local failed=0 target
    for target in rpm rpmmd-xml openpgp cloud-config user-data-mime azure-ovf; do
        "$bench_dir/run.sh" "$target" "$seconds" &
        pids+=($!)
        if ((${#pids[@]} >= parallel)); then
            wait "${pids[0]}" || failed=1
            pids=("${pids[@]:1}")
        fi
    done
    for pid in "${pids[@]}"; do
        wait "$pid" || failed=1
    done
    return $failed
}

main "$@"
