#!/usr/bin/env bash
# bench/media: the installer medium's figures, measured in one run (never asserted by the test suite).
#   - build time and ISO size of the fixture medium, for each live.root given (default: squashfs initramfs)
#   - power-on to the live system's "boot finished" and login prompt under qemu/OVMF (TCG), as CD-ROM, and peak guest RAM
#   - the same medium customized with an unattended config (Container Host onto a blank virtio disk, no network):
#     power-on to "medium verified" and to "install finished", as the live installer prints them
#   - keel media verify of the extracted tree against sha256sum of the same files (the anchor); ratio = sha256sum / keel.
#     keel here is the NativeAOT binary of the keel RPM (what the medium runs), unless KEEL names another
# Usage: bench/media/run.sh [squashfs|erofs|initramfs ...]   (as root, after scripts/test.sh built the fixture)
# Env: KEEL_FIXTURE_REPO, KEEL_AGENT_REPO, KEEL (the keel binary), LIVE_PRESET (a live preset name or file).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
repo=${KEEL_FIXTURE_REPO:-$top/.work/fixture-repo}
agent=${KEEL_AGENT_REPO:-$top/.work/agent-repo}
keel=${KEEL:-$top/src/Keel.Cli/bin/Release/net10.0/keel}
aot=${KEEL_AOT:-}
preset=${LIVE_PRESET:-live}
roots=("$@"); [ ${#roots[@]} -gt 0 ] || roots=(squashfs initramfs)
work=$(mktemp -d /tmp/keel-bench-media.XXXXXX)
trap 'gpgconf --homedir "$work/gnupg" --kill gpg-agent 2>/dev/null || true; rm -rf "$work"' EXIT
cp -r "$repo/.keel-build/gnupg" "$work/gnupg"; chmod 700 "$work/gnupg"
export GNUPGHOME=$work/gnupg SOURCE_DATE_EPOCH=1735689600
ovmf=/usr/share/OVMF
if [ -z "$aot" ]; then
    rpm=$(ls "$agent"/Packages/keel-[0-9]*.rpm 2>/dev/null | head -1)
    [ -n "$rpm" ] || { echo "bench/media: no keel RPM in $agent: run tests/agent-package/build.sh" >&2; exit 1; }
    mkdir -p "$work/aot" && (cd "$work/aot" && rpm2cpio "$rpm" | cpio -idm --quiet)
    aot=$work/aot/usr/libexec/keel/keel
fi
cat > "$work/unattended.yaml" <<YAML
apiVersion: keel/v1
kind: Machine
distribution: fixture
preset: container-host
hostname: bench-installed
kernelCommandLine: console=ttyS0
selinux: permissive
storage:
  disk: {empty: true, transport: virtio}
install: {confirm: false, after: poweroff}
YAML

# Seconds from $2 (date +%s.%N at power-on) to the first console line of $1 matching $3, polled every 0.2 s until qemu exits.
watch_console() {
    local console=$1 start=$2 pid=$3; shift 3
    declare -gA seen=()
    for _ in $(seq 1 6000); do
        sleep 0.2
        local now; now=$(echo "$(date +%s.%N) - $start" | bc)
        for pattern in "$@"; do
            [ -n "${seen[$pattern]:-}" ] || ! grep -q "$pattern" "$console" || seen[$pattern]=$now
        done
        kill -0 "$pid" 2>/dev/null || break
    done
}

for root in "${roots[@]}"; do
    sed -e "s|\.\./\.\./\.work/fixture-repo|$repo|g; s|\.\./\.\./\.work/agent-repo|$agent|; s|preset: live\$|preset: $preset|; s|root: squashfs|root: $root|" \
        "$top/examples/fixture/installer.yaml" > "$work/medium-$root.yaml"
    mkdir -p "$work/$root"
    start=$(date +%s.%N)
    "$keel" media build "$work/medium-$root.yaml" -o "$work/$root/installer.iso" --signing-key fixture@keel.invalid --progress plain > "$work/$root/build.log" 2>&1 \
        || { tail -3 "$work/$root/build.log"; exit 1; }
    build=$(echo "$(date +%s.%N) - $start" | bc)
    size=$(stat -c %s "$work/$root/installer.iso")
    uki=$(grep -o 'UKI [0-9.]* MiB' "$work/$root/build.log" | head -1)

    # Power-on to the live system: the console goes to a file, polled every 0.2 s for the first appearance of each line.
    # keel.ui=none: without a config the medium would start the interactive installer on the console, not a login.
    "$keel" media customize "$work/$root/installer.iso" --cmdline keel.ui=none -o "$work/$root/no-ui.iso" > /dev/null
    cp "$ovmf/OVMF_VARS_4M.fd" "$work/$root/vars.fd"
    console=$work/$root/console.log; : > "$console"
    start=$(date +%s.%N)
    qemu-system-x86_64 -machine q35 -accel tcg -cpu max -m 2048 -display none -monitor none -nic none -serial file:"$console" \
        -drive if=pflash,format=raw,readonly=on,file="$ovmf/OVMF_CODE_4M.fd" -drive if=pflash,format=raw,file="$work/$root/vars.fd" \
        -cdrom "$work/$root/no-ui.iso" & qpid=$!
    finished= login=
    for _ in $(seq 1 1500); do
        sleep 0.2
        now=$(echo "$(date +%s.%N) - $start" | bc)
        [ -n "$finished" ] || ! grep -q 'boot finished' "$console" || finished=$now
        if grep -q 'login:' "$console"; then login=$now; break; fi
        kill -0 "$qpid" 2>/dev/null || break
    done
    kill "$qpid" 2>/dev/null || true; wait "$qpid" 2>/dev/null || true

    # The unattended install: customized medium, a blank 4 GiB disk, no network (the offline repository).
    "$keel" media customize "$work/$root/installer.iso" --config "$work/unattended.yaml" -o "$work/$root/custom.iso" > /dev/null
    truncate -s 4G "$work/$root/target.raw"
    cp "$ovmf/OVMF_VARS_4M.fd" "$work/$root/vars2.fd"
    console2=$work/$root/install.log; : > "$console2"
    start=$(date +%s.%N)
    qemu-system-x86_64 -machine q35 -accel tcg -cpu max -m 2048 -display none -monitor none -nic none -serial file:"$console2" \
        -drive if=pflash,format=raw,readonly=on,file="$ovmf/OVMF_CODE_4M.fd" -drive if=pflash,format=raw,file="$work/$root/vars2.fd" \
        -drive if=none,id=target,format=raw,file="$work/$root/target.raw" -device virtio-blk-pci,drive=target \
        -cdrom "$work/$root/custom.iso" -no-reboot & qpid=$!
    watch_console "$console2" "$start" "$qpid" 'medium verified:' 'install finished:'
    kill "$qpid" 2>/dev/null || true; wait "$qpid" 2>/dev/null || true
    verified=${seen['medium verified:']:-n/a} installed=${seen['install finished:']:-n/a}
    guest_rate=$(grep -o 'verifying the medium: 100% ([^)]*)' "$console2" | grep -o '[0-9.]* MB/s' || echo n/a)
    rm -f "$work/$root/target.raw"

    # Self-check throughput on the same extracted files (warm cache): keel media verify DIR (MediumVerifier, plus the
    # process start) against sha256sum of every file.
    mkdir "$work/$root/x"
    xorriso -osirrox on -indev "$work/$root/installer.iso" -extract / "$work/$root/x" > /dev/null 2>&1
    (cd "$work/$root/x" && find . -type f -print0 | xargs -0 cat > /dev/null)
    t0=$(date +%s.%N)
    "$aot" media verify "$work/$root/x" --key "$repo/RPM-GPG-KEY-keel-fixture" > /dev/null
    t1=$(date +%s.%N)
    (cd "$work/$root/x" && find . -type f -print0 | xargs -0 sha256sum > /dev/null)
    t2=$(date +%s.%N)
    chmod -R u+w "$work/$root/x"; rm -rf "$work/$root/x"
    printf '%-10s build %6.1f s  ISO %6.1f MiB  %s  boot-finished %6s s  login %6s s  medium-verified %6s s  install-finished %6s s (in-guest check %s)  verify %5.2f s  sha256sum %5.2f s  ratio %4.2fx\n' \
        "$root" "$build" "$(echo "$size / 1048576" | bc -l)" "$uki" "${finished:-n/a}" "${login:-n/a}" "$verified" "$installed" "$guest_rate" \
        "$(echo "$t1 - $t0" | bc)" "$(echo "$t2 - $t1" | bc)" "$(echo "($t2 - $t1) / ($t1 - $t0)" | bc -l)"
done
