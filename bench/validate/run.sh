#!/usr/bin/env bash
# keel validate against rpm -Va on the same root: every x86_64/noarch package of the fixture repository (the first
# version of each name) installed with rpm --root --nodeps --noscripts, plus a signed image manifest.
#
#   bench/validate/run.sh [--runs N] [--validate PATH]
#
# Times (median of N warm runs, after one warm-up of each) the engine as keel-validate runs it (the NativeAOT binary,
# published to .work/keel-validate-aot unless --validate is given), `rpm -Va --nodeps --nomtime` (the same file
# attributes; rpm -Va checks nothing else keel's files check does) and plain `rpm -Va --nodeps`, and prints the ratios
# keel/rpm (goal: <= 1.00) and keel-validate's peak RSS. keel-validate does more than rpm -Va: it also re-verifies
# every package's header signature and the manifest.
set -euo pipefail

readonly BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
readonly REPO_ROOT=$(cd "$BENCH_DIR/../.." && pwd)

die() { printf 'bench/validate: error: %s\n' "$*" >&2; exit 1; }

runs=11
validate=
while (($#)); do
    case $1 in
        --runs) (($# >= 2)) || die "--runs needs a number"; runs=$2; shift ;;
        --validate) (($# >= 2)) || die "--validate needs a path"; validate=$2; shift ;;
        -h|--help) sed -n '2,12s/^# \{0,1\}//p' "${BASH_SOURCE[0]}"; exit 0 ;;
        *) die "unknown argument $1 (see --help)" ;;
    esac
    shift
done
[[ $runs =~ ^[1-9][0-9]*$ ]] || die "--runs wants a positive number, not '$runs'"
[[ -x /usr/bin/time ]] || die "/usr/bin/time is missing (apt-get install time)"
for t in rpm gpg python3; do command -v "$t" >/dev/null || die "$t not found; run scripts/setup-host.sh"; done

repo=${KEEL_FIXTURE_REPO:-$REPO_ROOT/.work/fixture-repo}
[[ -f $repo/repodata/repomd.xml ]] || die "no fixture repository at $repo (tests/fixture-distro/build.sh)"

if [[ -z $validate ]]; then
    validate=$REPO_ROOT/.work/keel-validate-aot/keel-validate
    dotnet publish "$REPO_ROOT/src/Keel.Validate" -r linux-x64 -c Release -o "$REPO_ROOT/.work/keel-validate-aot" -nologo -v quiet >&2 ||
        die "dotnet publish of src/Keel.Validate (NativeAOT) failed"
fi
[[ -x $validate ]] || die "$validate is not an executable keel-validate"

work=$(mktemp -d "${TMPDIR:-/tmp}/keel-bench-validate.XXXXXX")
export GNUPGHOME=$work/gnupg
trap 'gpgconf --kill gpg-agent >/dev/null 2>&1 || true; rm -rf --one-file-system "$work"' EXIT
root=$work/root
mkdir -p "$root" "$GNUPGHOME"
chmod 700 "$GNUPGHOME"
cp -a "$repo/.keel-build/gnupg/." "$GNUPGHOME/"

rpm_root() { rpm --root "$root" --dbpath /usr/lib/sysimage/rpm "$@"; }
rpm_root --import "$repo/RPM-GPG-KEY-keel-fixture"
mapfile -t packages < <(
    find "$repo/Packages" -name '*.rpm' ! -name '*.aarch64.rpm' ! -name '*.src.rpm' -printf '%f %p\n' | sort |
        python3 -c '
import re, sys
seen = set()
for line in sys.stdin:
    name_file, path = line.split()
    name = re.match(r"(.+?)-\d", name_file).group(1)
    if name not in seen:
        seen.add(name)
        print(path)')
rpm_root -i --nodeps --noscripts --replacefiles "${packages[@]}" 2>/dev/null ||
    die "rpm -i of ${#packages[@]} fixture packages into $root failed"

# The manifest keel-validate checks: every installed package, signed by the fixture key.
mkdir -p "$root/usr/lib/keel"
rpm_root -qa --qf '%{NAME}\t%{EPOCH}\t%{VERSION}\t%{RELEASE}\t%{ARCH}\t%{SHA256HEADER}\n' | grep -v '^gpg-pubkey' | sort |
    python3 -c '
import json, sys
packages = []
for line in sys.stdin:
    n, e, v, r, a, h = line.rstrip("\n").split("\t")
    packages.append({"name": n, "epoch": None if e == "(none)" else int(e), "version": v, "release": r, "arch": a,
                     "headerSha256": h, "repository": "keel-fixture"})
print(json.dumps({"apiVersion": "keel.image/v1", "configDigest": "sha256:" + "0" * 64, "distribution": "azurelinux 4.0",
                  "buildTime": "2025-01-01T00:00:00+00:00", "repositories": [], "packages": packages}, indent=2))' \
    >"$root/usr/lib/keel/image.json"
gpg --batch --yes --armor --detach-sign --output "$root/usr/lib/keel/image.json.asc" "$root/usr/lib/keel/image.json"

files=$(rpm_root -qal | wc -l)
bytes=$(du -sb "$root" | cut -f1)
printf 'bench/validate: root of %d packages, %d files, %d MiB\n' "${#packages[@]}" "$files" $((bytes / 1048576)) >&2

# Median wall seconds of N runs of "$@" (exit status ignored: rpm -Va exits 1 on replaced files). EPOCHREALTIME gives
# microseconds; /usr/bin/time's 10 ms steps are too coarse for runs of about 0.1 s.
median() {
    local times=() start end
    for ((i = 0; i < runs; i++)); do
        start=$EPOCHREALTIME
        "$@" >/dev/null 2>&1 || true
        end=$EPOCHREALTIME
        times+=("$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.4f", b - a }')")
    done
    printf '%s\n' "${times[@]}" | sort -n | sed -n "$(((runs + 1) / 2))p"
}

"$validate" --root "$root" >"$work/validate.out" || true
rpm_root -Va --nodeps --nomtime >/dev/null 2>&1 || true
grep -q '^FAIL' "$work/validate.out" && { grep '^FAIL' "$work/validate.out" | head -5 >&2; die "keel-validate reported FAIL on the bench root"; }

keel=$(median "$validate" --root "$root")
rpm_nomtime=$(median rpm --root "$root" --dbpath /usr/lib/sysimage/rpm -Va --nodeps --nomtime)
rpm_all=$(median rpm --root "$root" --dbpath /usr/lib/sysimage/rpm -Va --nodeps)
/usr/bin/time -f '%M' -o "$work/time" "$validate" --root "$root" >/dev/null 2>&1 || true
rss=$(tail -n 1 "$work/time")

printf 'keel-validate --root            %6.3f s  (peak RSS %d MiB)\n' "$keel" $((rss / 1024))
printf 'rpm -Va --nodeps --nomtime      %6.3f s  ratio keel/rpm %.2f (goal <= 1.00)\n' "$rpm_nomtime" "$(awk -v a="$keel" -v b="$rpm_nomtime" 'BEGIN { print a / b }')"
printf 'rpm -Va --nodeps                %6.3f s  ratio keel/rpm %.2f\n' "$rpm_all" "$(awk -v a="$keel" -v b="$rpm_all" 'BEGIN { print a / b }')"
