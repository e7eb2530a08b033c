#!/usr/bin/env bash
# Keel's main job on built-in defaults: build the signed fixture distribution, build its Container Host
# image from examples/fixture/container-host.yaml with `keel build`, and boot that image under qemu/OVMF
# with `keel vm run` until the login banner appears on its serial console; before it, the example's boot
# script prints what a podman container of the fixture's busybox image says.
#
# Environment: KEEL_FIXTURE_REPO (default .work/fixture-repo), KEEL_DEMO_DIR (default .work/demo).
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup-host.sh
repo="${KEEL_FIXTURE_REPO:-$PWD/.work/fixture-repo}"
out_dir="${KEEL_DEMO_DIR:-$PWD/.work/demo}"
tests/fixture-distro/build.sh "$repo"

dotnet build src/Keel.Cli -c Release -nologo -v quiet
keel=src/Keel.Cli/bin/Release/net10.0/keel
mkdir -p "$out_dir"
image="$out_dir/container-host.raw"

echo "== keel build: the Container Host image from $repo" >&2
"$keel" build examples/fixture/container-host.yaml --repo "$repo" --repo-key "$repo/RPM-GPG-KEY-keel-fixture" -o "$image"

echo "== keel vm run: booting $image (TCG, throwaway overlay) until the banner shows" >&2
"$keel" vm run "$image" --expect "This is a preview release. Do not use in production." --timeout 600
echo "== the image booted and showed the banner: $image" >&2
