#!/usr/bin/env bash
# Runs Keel's whole test suite on a fresh Debian 12 machine: installs the host tools, builds the
# fixture repository, builds the solution and runs every test project. Prints a closing
# "Tests: N passed, N failed, N skipped" line and exits non-zero when anything failed.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup-host.sh
export KEEL_FIXTURE_REPO="${KEEL_FIXTURE_REPO:-$PWD/.work/fixture-repo}"
tests/fixture-distro/build.sh "$KEEL_FIXTURE_REPO"
# The fixture itself is checked with the real tools (rpmkeys, gpg, dnf install, rpm -Va) before anything relies on it.
tests/fixture-distro/verify.sh "$KEEL_FIXTURE_REPO"
# Debian's cloud-init 22.4.2 in a debootstrap chroot: keel-agent's side-by-side tests apply the same seeds to both.
export KEEL_CLOUD_INIT_CHROOT="${KEEL_CLOUD_INIT_CHROOT:-$PWD/.work/cloud-init-chroot}"
tests/cloud-init-chroot/build.sh "$KEEL_CLOUD_INIT_CHROOT"
# keel-agent as an RPM (NativeAOT + packaging/keel-agent/keel-agent.spec) for the booted provisioning test.
export KEEL_AGENT_REPO="${KEEL_AGENT_REPO:-$PWD/.work/agent-repo}"
tests/agent-package/build.sh "$KEEL_AGENT_REPO"

# Every test's scratch space lives under one directory that is removed at the end, pass or fail.
TMPDIR=$(mktemp -d "${TMPDIR:-/tmp}/keel-tests.XXXXXX")
export TMPDIR

dotnet build Keel.slnx -c Release -nologo -v quiet
log=$(mktemp)
trap 'rm -rf "$TMPDIR"' EXIT
set +e
dotnet test Keel.slnx -c Release --no-build -nologo "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e

# Sum the per-assembly summaries into one line that CI reads.
read -r passed failed skipped < <(grep -Eo 'Failed: +[0-9]+, Passed: +[0-9]+, Skipped: +[0-9]+' "$log" |
  awk -F'[:,]' '{f+=$2; p+=$4; s+=$6} END {print p+0, f+0, s+0}')
echo "Tests: ${passed} passed, ${failed} failed, ${skipped} skipped"
if [ "$status" -ne 0 ] || [ "$failed" -ne 0 ] || [ "$passed" -eq 0 ]; then
  exit 1
fi
