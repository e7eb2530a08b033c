#!/usr/bin/env bash
# Benchmark: read rpm-md metadata and resolve a typical request, Keel against libsolv (repo2solv + testsolv)
# measured in the same run on the same input. Not a test: it prints times, peak memory and ratios.
#
#   bench/resolve/run.sh [RUNS]        (default 3 runs per measurement; the median is reported)
#
# cold  = parse primary.xml.gz and resolve  (Keel: empty cache; libsolv: repo2solv, then testsolv)
# warm  = resolve from each tool's own cache (Keel: its parsed-metadata cache; libsolv: the .solv file)
set -euo pipefail
cd "$(dirname "$0")/../.."
runs=${1:-3}
shared=${KEEL_SHARED:-$PWD/../shared}

scripts/setup-host.sh
command -v /usr/bin/time >/dev/null || { DEBIAN_FRONTEND=noninteractive apt-get install -y -qq time >/dev/null; }
dotnet build src/Keel.Cli -c Release -nologo -v quiet
keel=$PWD/src/Keel.Cli/bin/Release/net10.0/keel
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# measure NAME CMD... : runs CMD $runs times, records median wall seconds and max RSS (KiB)
measure() {
  local name=$1; shift
  local times=() mem=0
  for ((i = 0; i < runs; i++)); do
    [ -n "${before:-}" ] && eval "$before"
    /usr/bin/time -f '%e %M' -o "$work/t" "$@" >"$work/out.$name" 2>"$work/err.$name" || {
      echo "bench: $name failed:" >&2; cat "$work/err.$name" >&2; exit 1; }
    read -r s k <"$work/t"
    times+=("$s"); ((k > mem)) && mem=$k
  done
  local med
  med=$(printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
  eval "T_$name=$med; M_$name=$mem"
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b == 0) print "n/a"; else printf "%.2f", a / b }'; }

bench_one() {
  local label=$1 dir=$2; shift 2
  local specs=("$@")
  local t="$work/$label.t"
  { echo "repo system 0 empty"; echo "repo available 0 solv $label.solv"; echo "system x86_64 rpm system"
    for s in "${specs[@]}"; do echo "job install name $s"; done; } >"$t"

  # libsolv cold = repo2solv + testsolv; both timed, memory is the larger peak.
  before="rm -f $work/$label.solv" measure r2s repo2solv -o "$work/$label.solv" "$dir"
  before="" measure ts testsolv "$t"
  local libsolv_count
  libsolv_count=$(grep -c '^  - ' "$work/out.ts" || true)

  before="rm -rf $work/cache-$label" measure kcold "$keel" repo resolve --repo "$dir" --cache "$work/cache-$label" "${specs[@]}"
  before="" measure kwarm "$keel" repo resolve --repo "$dir" --cache "$work/cache-$label" "${specs[@]}"
  local keel_count
  keel_count=$(grep -c . "$work/out.kwarm" || true)

  local lcold lmem
  lcold=$(awk -v a="$T_r2s" -v b="$T_ts" 'BEGIN { printf "%.3f", a + b }')
  lmem=$((M_r2s > M_ts ? M_r2s : M_ts))
  printf '\n== %s: %s\n' "$label" "${specs[*]}"
  printf '%-8s %12s %12s %8s   %12s %12s %8s\n' "" "keel s" "libsolv s" "ratio" "keel MiB" "libsolv MiB" "ratio"
  printf '%-8s %12s %12s %8s   %12d %12d %8s\n' cold "$T_kcold" "$lcold" "$(ratio "$T_kcold" "$lcold")" $((M_kcold / 1024)) $((lmem / 1024)) "$(ratio "$M_kcold" "$lmem")"
  printf '%-8s %12s %12s %8s   %12d %12d %8s\n' warm "$T_kwarm" "$T_ts" "$(ratio "$T_kwarm" "$T_ts")" $((M_kwarm / 1024)) $((M_ts / 1024)) "$(ratio "$M_kwarm" "$M_ts")"
  printf 'packages: keel %s, libsolv %s\n' "$keel_count" "$libsolv_count"
}

echo "runs per measurement: $runs (median time, max peak RSS); ratio = keel / libsolv, lower is better"
bench_one debian "$shared/bench/debian-bookworm-main" openssh-server podman build-essential gdb git
bench_one centos-baseos "$shared/oracles/osbuild-images/test/data/testrepo" dnf systemd openssh-server kernel NetworkManager
