#!/usr/bin/env bash
# Builds keel-agent, keel-validate and keel as an RPM repository the fixture distribution's images (and its installer
# medium's live root) can install them from: NativeAOT publishes of src/Keel.Agent, src/Keel.Validate and src/Keel.Cli,
# rpmbuild of packaging/keel-agent/keel-agent.spec, packaging/keel-validate/keel-validate.spec and
# packaging/keel/keel.spec (the specs the real distribution would use), createrepo_c.
#
#   tests/agent-package/build.sh [DEST]      (default .work/agent-repo)
#
# A second run with unchanged inputs does nothing (DEST/.stamp holds the input hash). DEST is built beside
# itself and renamed into place, so it is never half-built. The packages are signed with the fixture distribution's key
# when its repository has been built (as keel validate expects of every installed package); the repository metadata
# is not signed, so configs using it set gpgcheck: false for it.
set -euo pipefail

readonly HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
readonly REPO_ROOT=$(cd "$HERE/../.." && pwd)
dest=$(realpath -m -- "${1:-$REPO_ROOT/.work/agent-repo}")
readonly DEST=$dest
# 2025-01-01T00:00:00Z, as the fixture distribution.
readonly EPOCH=1735689600

log() { printf 'agent-package: %s\n' "$*" >&2; }
die() { printf 'agent-package: error: %s\n' "$*" >&2; exit 1; }

for t in dotnet rpmbuild createrepo_c sha256sum; do
    command -v "$t" >/dev/null || die "$t not found; run scripts/setup-host.sh"
done

# The fixture distribution's signing key, when its repository has been built (KEEL_FIXTURE_REPO or the default path).
fixture_repo=${KEEL_FIXTURE_REPO:-$REPO_ROOT/.work/fixture-repo}
FIXTURE_GNUPG=
[[ -f $fixture_repo/.keel-build/gnupg/pubring.kbx ]] && FIXTURE_GNUPG=$fixture_repo/.keel-build/gnupg
readonly FIXTURE_GNUPG

input_hash=$(
    cd "$REPO_ROOT"
    {
        cat "$HERE/build.sh"
        # A new fixture key means new signatures.
        [[ -z $FIXTURE_GNUPG ]] || cat "$fixture_repo/RPM-GPG-KEY-keel-fixture" 2>/dev/null
        # All of src/: keel-agent's project references reach several assemblies (Keel.Errors, Keel.Processes, ...), and a
        # list of them here went stale once already; rebuilding on any source change is cheap next to a stale agent.
        # The keel package also carries the presets, the schema, README.md and docs/.
        inputs=(src packaging/keel-agent packaging/keel-validate packaging/keel presets tests/fixture-distro/presets schemas README.md docs)
        git ls-files -s "${inputs[@]}" Directory.Build.props Directory.Packages.props 2>/dev/null ||
            find "${inputs[@]}" -type f ! -path '*/bin/*' ! -path '*/obj/*' -exec sha256sum {} +
        # Uncommitted edits count too.
        git diff HEAD -- "${inputs[@]}" 2>/dev/null || true
    } | sha256sum | cut -d' ' -f1
)
if [[ -f $DEST/.stamp && $(<"$DEST/.stamp") == "$input_hash" && -f $DEST/repodata/repomd.xml ]]; then
    log "up to date: $DEST"
    exit 0
fi

mkdir -p "$(dirname "$DEST")"
work=$(mktemp -d "$DEST.tmp-XXXXXX")
trap 'rm -rf -- "$work"' EXIT

log "publishing keel-agent (NativeAOT)"
dotnet publish "$REPO_ROOT/src/Keel.Agent" -r linux-x64 -c Release -o "$work/publish" -nologo -v quiet >&2 ||
    die "dotnet publish of src/Keel.Agent (NativeAOT) failed"
[[ -x $work/publish/keel-agent ]] || die "publish wrote no $work/publish/keel-agent"

log "publishing keel-validate (NativeAOT)"
dotnet publish "$REPO_ROOT/src/Keel.Validate" -r linux-x64 -c Release -o "$work/publish-validate" -nologo -v quiet >&2 ||
    die "dotnet publish of src/Keel.Validate (NativeAOT) failed"
for f in keel-validate libe_sqlite3.so; do
    [[ -f $work/publish-validate/$f ]] || die "publish wrote no $work/publish-validate/$f"
done

log "publishing keel (NativeAOT)"
dotnet publish "$REPO_ROOT/src/Keel.Cli" -r linux-x64 -c Release -o "$work/publish-keel" -nologo -v quiet >&2 ||
    die "dotnet publish of src/Keel.Cli (NativeAOT) failed"
for f in keel libe_sqlite3.so; do
    [[ -f $work/publish-keel/$f ]] || die "publish wrote no $work/publish-keel/$f"
done

log "rpmbuild packaging/keel-agent/keel-agent.spec"
# The binary's automatic soname requirements are left out: the fixture's glibc does not list every GLIBC_x.y symbol
# version (the spec's own "Requires: glibc" stays). Debian's rpm has no systemd-rpm-macros: the definitions below do what Fedora's do on a first install
# (apply the distribution's presets) and nothing when systemctl is absent.
SOURCE_DATE_EPOCH=$EPOCH rpmbuild -bb --nodeps --quiet \
    --define "_topdir $work/rpmbuild" \
    --define "_sourcedir $REPO_ROOT" \
    --define "agent_bin $work/publish/keel-agent" \
    --define "dist .azl4" \
    --define "_unitdir /usr/lib/systemd/system" \
    --define "_binary_payload w19.zstdio" \
    --define "use_source_date_epoch_as_buildtime 1" \
    --define "clamp_mtime_to_source_date_epoch 1" \
    --define "_buildhost keel-fixture.invalid" \
    --define '__requires_exclude_from ^/usr/bin/keel-agent$' \
    --define 'systemd_post() if [ $1 -eq 1 ] && command -v systemctl >/dev/null 2>&1; then systemctl --no-reload preset %{?*} >/dev/null 2>&1 || :; fi' \
    --define 'systemd_preun() if [ $1 -eq 0 ] && command -v systemctl >/dev/null 2>&1; then systemctl --no-reload disable --now %{?*} >/dev/null 2>&1 || :; fi' \
    --define 'systemd_postun() :' \
    --define 'systemd_postun_with_restart() :' \
    "$REPO_ROOT/packaging/keel-agent/keel-agent.spec" >&2 || die "rpmbuild of keel-agent.spec failed"

log "rpmbuild packaging/keel-validate/keel-validate.spec"
# Same reproducibility defines; the soname requirements of the binary and its private libe_sqlite3.so are left out as
# for keel.
SOURCE_DATE_EPOCH=$EPOCH rpmbuild -bb --nodeps --quiet \
    --define "_topdir $work/rpmbuild" \
    --define "_sourcedir $REPO_ROOT" \
    --define "validate_publish $work/publish-validate" \
    --define "dist .azl4" \
    --define "_binary_payload w19.zstdio" \
    --define "use_source_date_epoch_as_buildtime 1" \
    --define "clamp_mtime_to_source_date_epoch 1" \
    --define "_buildhost keel-fixture.invalid" \
    --define '__requires_exclude_from ^/usr/libexec/keel-validate/.*$' \
    "$REPO_ROOT/packaging/keel-validate/keel-validate.spec" >&2 || die "rpmbuild of keel-validate.spec failed"

log "rpmbuild packaging/keel/keel.spec"
# Same reproducibility defines; the soname requirements of the binary and of its private libe_sqlite3.so are left out
# for the same reason as keel-agent's.
SOURCE_DATE_EPOCH=$EPOCH rpmbuild -bb --nodeps --quiet \
    --define "_topdir $work/rpmbuild" \
    --define "_sourcedir $REPO_ROOT" \
    --define "keel_publish $work/publish-keel" \
    --define "dist .azl4" \
    --define "_unitdir /usr/lib/systemd/system" \
    --define "_binary_payload w19.zstdio" \
    --define "use_source_date_epoch_as_buildtime 1" \
    --define "clamp_mtime_to_source_date_epoch 1" \
    --define "_buildhost keel-fixture.invalid" \
    --define '__requires_exclude_from ^/usr/libexec/keel/.*$' \
    --define 'systemd_preun() if [ $1 -eq 0 ] && command -v systemctl >/dev/null 2>&1; then systemctl --no-reload disable --now %{?*} >/dev/null 2>&1 || :; fi' \
    --define 'systemd_postun() :' \
    "$REPO_ROOT/packaging/keel/keel.spec" >&2 || die "rpmbuild of keel.spec failed"

mkdir -p "$work/repo/Packages"
find "$work/rpmbuild/RPMS" -name '*.rpm' -exec mv -t "$work/repo/Packages" {} +
# Signed with the fixture distribution's key when that repository is at hand (scripts/test.sh builds it first): these
# packages then verify as the distribution's own, which keel validate and keel-validate check for every package.
if [[ -n $FIXTURE_GNUPG ]]; then
    gnupg=$(mktemp -d "${TMPDIR:-/tmp}/keel-agent-gnupg.XXXXXX")
    cp -a "$FIXTURE_GNUPG/." "$gnupg/"
    chmod 700 "$gnupg"
    fpr=$(GNUPGHOME=$gnupg gpg --batch --with-colons --list-secret-keys 2>/dev/null | awk -F: '$1 == "fpr" {print $10; exit}')
    [[ -n $fpr ]] || die "no secret key in $FIXTURE_GNUPG"
    log "signing with the fixture key $fpr"
    GNUPGHOME=$gnupg rpmsign --addsign --define "_gpg_name $fpr" --define "_gpg_path $gnupg" \
        --define "__gpg $(command -v gpg)" "$work/repo/Packages"/*.rpm >&2 || die "rpmsign of the agent packages failed"
    GNUPGHOME=$gnupg gpgconf --kill gpg-agent >/dev/null 2>&1 || true
    rm -rf -- "$gnupg"
fi
createrepo_c --quiet --revision "$EPOCH" --set-timestamp-to-revision "$work/repo" >&2
printf '%s\n' "$input_hash" >"$work/repo/.stamp"

rm -rf -- "$DEST.old"
[[ ! -e $DEST ]] || mv -- "$DEST" "$DEST.old"
mv -- "$work/repo" "$DEST"
rm -rf -- "$DEST.old"
log "built $DEST: $(cd "$DEST/Packages" && ls)"
