#!/usr/bin/env bash
# Benchmark: the whole `keel build` of the fixture Container Host image (resolve, download + verify, rpm --root,
# system settings, initramfs + UKI, GPT + filesystems) against `dnf --installroot` installing the same package set
# into an empty root (packages only), from the same repository, in the same run. Not a test: prints times, peak
# memory and ratios. Goal (issue 4): Keel's whole build no slower than dnf's package install alone.
#
#   bench/build/run.sh [RUNS]      (default 3; the median is reported)
#
# Both start cold: Keel with an empty cache (XDG_CACHE_HOME), dnf with an empty cachedir.
set -euo pipefail
cd "$(dirname "$0")/../.."
runs=${1:-3}
repo=${KEEL_FIXTURE_REPO:-$PWD/.work/fixture-repo}

scripts/setup-host.sh
command -v /usr/bin/time >/dev/null || { DEBIAN_FRONTEND=noninteractive apt-get install -y -qq time >/dev/null; }
tests/fixture-distro/build.sh "$repo"
dotnet build src/Keel.Cli -c Release -nologo -v quiet
keel=$PWD/src/Keel.Cli/bin/Release/net10.0/keel
config=examples/fixture/container-host.yaml
work=$(mktemp -d "$PWD/.work/bench-build.XXXXXX")
trap 'rm -rf "$work"' EXIT

# The package names of the preset: exactly what the config asks for (Keel adds their dependencies, so does dnf).
mapfile -t packages < <(awk '/^packages:/ {p = 1; next} /^[a-z]/ {p = 0} p && /^  - / {print $2}' tests/fixture-distro/presets/container-host.yaml)

keel_build() {
  rm -rf "$work/xdg" "$work/host.raw"
  XDG_CACHE_HOME=$work/xdg "$keel" build "$config" --repo "$repo" --repo-key "$repo/RPM-GPG-KEY-keel-fixture" -o "$work/host.raw" --progress plain
}

dnf_install() {
  rm -rf "$work/dnfroot" "$work/dnfcache"
  mkdir -p "$work/dnfroot"
  # Debian's dnf keeps the rpmdb where the host rpm's macros say; the count below asks the same place.
  rpm --root "$work/dnfroot" --import "$repo/RPM-GPG-KEY-keel-fixture"
  dnf -y -q --installroot "$work/dnfroot" --releasever 4.0 --setopt=reposdir=/dev/null --disableplugin='*' \
    --setopt=cachedir="$work/dnfcache" --setopt=install_weak_deps=True \
    --repofrompath "keel-fixture,file://$repo" --repo keel-fixture --setopt=keel-fixture.gpgcheck=1 \
    --setopt=keel-fixture.gpgkey="file://$repo/RPM-GPG-KEY-keel-fixture" \
    install "${packages[@]}"
}

measure() {
  local name=$1; shift
  local times=() mem=0
  for ((i = 0; i < runs; i++)); do
    /usr/bin/time -f '%e %M' -o "$work/t" "$@" >"$work/out.$name" 2>"$work/err.$name" || {
      echo "bench: $name failed:" >&2; tail -n 20 "$work/err.$name" >&2; exit 1; }
    read -r s k <"$work/t"
    times+=("$s"); ((k > mem)) && mem=$k
  done
  local med
  med=$(printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
  eval "T_$name=$med; M_$name=$mem"
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b == 0) print "n/a"; else printf "%.2f", a / b }'; }

# /usr/bin/time runs a program, not a shell function: each side runs in a child bash that gets the functions.
export keel config repo work
export -f keel_build dnf_install
export packages_list="${packages[*]}"
measure keel bash -c keel_build
measure dnf bash -c 'packages=($packages_list); dnf_install' 
n_dnf=$(rpm --root "$work/dnfroot" -qa | grep -vc '^gpg-pubkey' || true)
n_keel=$(grep -o '[0-9]* packages)' "$work/out.keel" | grep -o '[0-9]*' || true)
[[ $n_dnf == "$n_keel" ]] || { echo "bench: dnf installed $n_dnf packages, keel $n_keel; not the same set" >&2; exit 1; }

printf '\nContainer Host image, fixture repository %s, %s runs (median):\n' "$repo" "$runs"
printf '  %-44s %8s s  %8s MiB peak\n' "keel build (whole image, $n_keel packages)" "$T_keel" "$((M_keel / 1024))"
printf '  %-44s %8s s  %8s MiB peak\n' "dnf --installroot install ($n_dnf packages)" "$T_dnf" "$((M_dnf / 1024))"
printf '  keel/dnf wall time: %s (goal <= 1.00)   keel/dnf peak memory: %s\n' "$(ratio "$T_keel" "$T_dnf")" "$(ratio "$M_keel" "$M_dnf")"
