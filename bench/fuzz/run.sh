#!/usr/bin/env bash
# Runs one fuzz target of bench/fuzz/Keel.Fuzz under afl-fuzz (SharpFuzz instrumentation) for a set time.
#
#   bench/fuzz/run.sh TARGET SECONDS
#
# TARGET: rpm, rpmmd-xml, openpgp, cloud-config, user-data-mime, azure-ovf (see Targets.cs).
# Installs afl++ (apt) and the sharpfuzz tool (NuGet) when missing, builds the harness once into .work/fuzz/build,
# instruments a private copy of the Keel assemblies per target, seeds the corpus from the oracle data (read in place
# from $KEEL_ORACLES, default ../shared/oracles) and from tests/*/FuzzCorpus/TARGET, runs afl-fuzz for SECONDS under
# nice -n 5 and prints execs_done, corpus_count, bitmap_cvg, saved_crashes and saved_hangs from fuzzer_stats.
# Findings stay in .work/fuzz/TARGET/out/default/{crashes,hangs}; replay one with
#   dotnet .work/fuzz/build/Keel.Fuzz.dll TARGET FILE   (the uninstrumented build; the instrumented one needs afl)
# Environment: KEEL_FUZZ_WORK (default REPO/.work/fuzz), KEEL_FUZZ_TIMEOUT_MS (afl -t, default 10000).
set -euo pipefail

# The whole script is one function so bash has read all of it before running: editing run.sh during a long run
# cannot change what the running copy does next.
main() {

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_ROOT=$(cd "$BENCH_DIR/../.." && pwd)
TARGETS="rpm rpmmd-xml openpgp cloud-config user-data-mime azure-ovf"

die() { printf 'bench/fuzz: error: %s\n' "$*" >&2; exit 1; }

[[ ${1:-} == -h || ${1:-} == --help ]] && { sed -n '2,15s/^# \{0,1\}//p' "${BASH_SOURCE[0]}"; exit 0; }
(($# == 2)) || die "usage: run.sh TARGET SECONDS (TARGET: $TARGETS)"
target=$1
seconds=$2
[[ " $TARGETS " == *" $target "* ]] || die "unknown target '$target' (one of: $TARGETS)"
[[ $seconds =~ ^[1-9][0-9]*$ ]] || die "SECONDS must be a positive number, not '$seconds'"

work=${KEEL_FUZZ_WORK:-$REPO_ROOT/.work/fuzz}
oracles=${KEEL_ORACLES:-$REPO_ROOT/../shared/oracles}
timeout_ms=${KEEL_FUZZ_TIMEOUT_MS:-10000}
export PATH=$PATH:$HOME/.dotnet/tools

# --- tools ---------------------------------------------------------------------------------------------------------
if ! command -v afl-fuzz >/dev/null; then
    [[ $(id -u) -eq 0 ]] || die "afl-fuzz is missing; install Debian's afl++ package (apt-get install afl++)"
    apt-get install -y afl++ >/dev/null
fi
if ! command -v sharpfuzz >/dev/null; then
    dotnet tool install --global SharpFuzz.CommandLine --version 2.3.0 >/dev/null
fi

# --- build once, instrument a private copy per target -------------------------------------------------------------
mkdir -p "$work"
dir=$work/$target
rm -rf "$dir/bin" "$dir/in"
mkdir -p "$dir/in"
(
    # Two targets started together must not build into the same directory at once, nor copy while the other builds.
    flock 9
    nice -n 5 dotnet build "$BENCH_DIR/Keel.Fuzz/Keel.Fuzz.csproj" -c Release -nologo -v quiet -o "$work/build" >&2
    cp -a "$work/build" "$dir/bin"
) 9>"$work/build.lock"
instrument=(Keel.Errors Keel.Compression Keel.Packaging Keel.Rpm Keel.OpenPgp Keel.Repository Keel.Provisioning)
# The YAML targets spend their time in YamlDotNet's scanner; its branches guide the fuzzer into Keel's reader.
case $target in cloud-config|user-data-mime|azure-ovf) instrument+=(YamlDotNet) ;; esac
for asm in "${instrument[@]}"; do
    sharpfuzz "$dir/bin/$asm.dll" >/dev/null || die "sharpfuzz could not instrument $asm.dll"
done

# --- seeds ---------------------------------------------------------------------------------------------------------
# Small real inputs only (afl slows down on big seeds); read in place from the oracle tree, never copied into the repo.
seed() { # seed FILE [PREFIX-BYTE]: copy one file into the corpus, optionally behind a reader-selecting byte
    local file=$1 name
    [[ -f $file ]] || return 0
    (($(stat -c %s "$file") <= 64 * 1024)) || return 0
    name=$(printf '%s' "$file" | sha1sum | cut -c1-12)-$(basename "$file")
    if (($# == 2)); then
        { printf "\\x$2"; cat "$file"; } >"$dir/in/$name"
    else
        cp "$file" "$dir/in/$name"
    fi
}
[[ -d $oracles ]] || die "oracle data not found at $oracles (set KEEL_ORACLES)"
case $target in
    rpm)
        for f in "$oracles"/rpm/tests/data/RPMS/*.rpm; do seed "$f"; done ;;
    rpmmd-xml)
        # First byte: 0 repomd, 1 primary, 2 filelists, 3 comps, 4 updateinfo (Targets.RpmMdXml).
        while IFS= read -r f; do
            case $(basename "$f") in
                *repomd*.xml) seed "$f" 00 ;;
                *primary*.xml*) seed "$f" 01 ;;
                *filelists*.xml*) seed "$f" 02 ;;
                *comps*.xml*) seed "$f" 03 ;;
                *updateinfo*.xml*) seed "$f" 04 ;;
            esac
        done < <(find "$oracles/dnf5/test/data/repos-repomd/repomd-repo1" "$oracles/dnf5/test/data/repos-repomd/repomd-comps-core" \
                      "$oracles/libcomps/libcomps/tests" "$oracles/osbuild-images/test/data/testrepo" -type f | sort) ;;
    openpgp)
        for f in "$oracles"/rpm/tests/data/keys/* "$oracles"/dnf5/test/data/repos-repomd/repomd-repo1-gpg/repodata/repomd.xml.asc; do seed "$f"; done ;;
    cloud-config)
        for f in "$oracles"/cloud-init-HEAD/doc/examples/cloud-config-{ntp,boot-cmds,ssh-keys,user-groups,write-files,yum-repo,datasources}.txt \
                 "$oracles"/cloud-init-HEAD/doc/module-docs/cc_mounts/example1.yaml "$oracles"/cloud-init-HEAD/tests/data/user_data.1.txt; do
            seed "$f"
        done ;;
    user-data-mime)
        for f in "$oracles"/cloud-init-HEAD/tests/data/filter_cloud_multipart_{1,2,header}.email \
                 "$oracles"/cloud-init-HEAD/doc/examples/{include,include-once,plain-ignored,cloud-config-archive}.txt \
                 "$oracles"/cloud-init-HEAD/doc/examples/seed/user-data; do
            seed "$f"
        done ;;
    azure-ovf)
        for f in "$oracles"/WALinuxAgent-HEAD/tests/data/ovf-env*.xml "$oracles"/cloud-init-HEAD/doc/sources/ovf/example/ovf-env.xml; do seed "$f"; done ;;
esac
# Earlier findings and kept corpus inputs (the regression tests' files) start the run too, and so does the queue of
# this target's previous run, so coverage accumulates across runs instead of starting over.
for f in "$REPO_ROOT"/tests/*/FuzzCorpus/"$target"/*; do seed "$f"; done
if [[ -d $dir/out/default/queue ]]; then
    for f in "$dir"/out/default/queue/id:*; do seed "$f"; done
fi
(($(find "$dir/in" -type f | wc -l) > 0)) || die "no seed inputs found for $target under $oracles"

# --- fuzz ----------------------------------------------------------------------------------------------------------
rm -rf "$dir/out"
export AFL_SKIP_BIN_CHECK=1 AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_NO_UI=1 AFL_NO_AFFINITY=1
# A hard heap limit turns runaway allocation into an OutOfMemoryException (a finding) instead of swapping the machine.
export DOTNET_GCHeapHardLimit=0x40000000
echo "bench/fuzz: $target for ${seconds}s, $(find "$dir/in" -type f | wc -l) seeds, log in $dir/afl.log" >&2
nice -n 5 afl-fuzz -i "$dir/in" -o "$dir/out" -t "$timeout_ms" -m none -V "$seconds" -- \
    dotnet "$dir/bin/Keel.Fuzz.dll" "$target" >"$dir/afl.log" 2>&1 || { tail -30 "$dir/afl.log" >&2; die "afl-fuzz failed for $target"; }

stats=$dir/out/default/fuzzer_stats
[[ -f $stats ]] || die "afl-fuzz wrote no fuzzer_stats for $target (see $dir/afl.log)"
get() { awk -F' *: *' -v k="$1" '$1 == k { print $2 }' "$stats"; }
run_time=$(get run_time)
execs=$(get execs_done)
printf '%s: seconds %s, execs_done %s, execs/s %s, corpus_count %s, bitmap_cvg %s, edges_found %s, saved_crashes %s, saved_hangs %s\n' \
    "$target" "$run_time" "$execs" "$(awk -v e="$execs" -v t="$run_time" 'BEGIN { printf "%.0f", (t > 0 ? e / t : 0) }')" \
    "$(get corpus_count)" "$(get bitmap_cvg)" "$(get edges_found)" "$(get saved_crashes)" "$(get saved_hangs)" | tee -a "$work/results.txt"
}

main "$@"
