#!/usr/bin/env bash
# Keel's main job on built-in defaults, as far as it exists today: build the signed fixture
# distribution repository and resolve the Container Host preset from it, showing the transaction.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup-host.sh
repo="${KEEL_FIXTURE_REPO:-$PWD/.work/fixture-repo}"
tests/fixture-distro/build.sh "$repo"

dotnet build src/Keel.Cli -c Release -nologo -v quiet
keel=src/Keel.Cli/bin/Release/net10.0/keel
echo "Resolving the Container Host preset (@^container-host-environment) from $repo:" >&2
"$keel" repo resolve --repofile "$repo/keel-fixture.repo" --cache "$PWD/.work/cache" @^container-host-environment
