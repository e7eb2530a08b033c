using System.Text;
using System.Text.Json;
using Keel.Cli;
using Keel.Inspection;
using Keel.VirtualMachines;
using Xunit.Abstractions;

namespace Keel.EndToEnd.Tests;

/// <summary>
/// Issue 11's first proof: a signed preset image passes `keel validate --image` and lists exactly its rpm -qa in both
/// SBOM formats; a changed byte in a packaged binary or a manifest signed by another key FAILs, named; and inside the
/// booted machine keel-validate passes, then FAILs naming a changed binary and an unsigned package; keel diff of two builds
/// a tzdata version apart names that package and the advisory that ships it.
/// </summary>
public sealed class CertifiedImageTests(CertifiedImageFixture fixture, ITestOutputHelper output) : IClassFixture<CertifiedImageFixture>
{
    private const string RootType = "4F68BCE3-E8CD-4DB1-96E7-FBCAF984B709"; // x86-64 root (Discoverable Partitions)
    private const string RpmDbPath = "/usr/lib/sysimage/rpm";

    [Theory]
    [InlineData("minimal")]
    [InlineData("container-host")]
    [InlineData("developer-workstation")]
    public async Task Preset_image_passes_every_check_and_both_sboms_list_exactly_rpm_qa(string preset)
    {
        var image = await fixture.ImageAsync(preset);

        var (exit, stdout, stderr) = await Keel("validate", "--image", image, "--key", CertifiedImageFixture.DistributionKey);
        output.WriteLine(stdout);
        Assert.True(exit == 0, $"keel validate --image {preset}: exit {exit}: {stderr}{stdout}");
        Assert.DoesNotContain(Lines(stdout), l => l.StartsWith("FAIL", StringComparison.Ordinal));
        foreach (var check in new[] { "manifest.signature", "manifest.packages", "packages.signature", "files" })
        {
            Assert.Contains($"PASS {check}:", stdout, StringComparison.Ordinal);
        }

        var rpmQa = await RpmQaAsync(image);
        Assert.Contains(rpmQa, n => n.StartsWith("keel-validate-", StringComparison.Ordinal));

        (exit, stdout, stderr) = await Keel("sbom", "--image", image, "--format", "spdx-json");
        Assert.True(exit == 0, stderr);
        using (var spdx = JsonDocument.Parse(stdout))
        {
            var listed = spdx.RootElement.GetProperty("packages").EnumerateArray()
                .Where(p => p.GetProperty("SPDXID").GetString() != "SPDXRef-Image")
                .Select(p => NevraFromPurl(p.GetProperty("externalRefs")[0].GetProperty("referenceLocator").GetString()!, p.GetProperty("name").GetString()!))
                .Order(StringComparer.Ordinal);
            Assert.Equal(rpmQa, listed);
        }

        (exit, stdout, stderr) = await Keel("sbom", "--image", image, "--format", "cyclonedx-json");
        Assert.True(exit == 0, stderr);
        using var cyclone = JsonDocument.Parse(stdout);
        var components = cyclone.RootElement.GetProperty("components").EnumerateArray()
            .Select(c => NevraFromPurl(c.GetProperty("purl").GetString()!, c.GetProperty("name").GetString()!))
            .Order(StringComparer.Ordinal);
        Assert.Equal(rpmQa, components);
    }

    [Fact]
    public async Task A_changed_byte_in_a_binary_and_a_manifest_signed_by_another_key_fail_named()
    {
        var copy = Path.Combine(fixture.Work, "tampered.raw");
        CertifiedImageFixture.Run("cp", "--sparse=always", await fixture.ImageAsync("minimal"), copy);

        // Another key signs the exact bytes of image.json; and the last byte of bash (outside what is loaded) changes.
        var otherHome = Path.Combine(fixture.Work, "other-gnupg");
        Directory.CreateDirectory(otherHome);
        CertifiedImageFixture.Run("chmod", "700", otherHome);
        CertifiedImageFixture.Run("gpg", "--homedir", otherHome, "--batch", "--pinentry-mode", "loopback", "--passphrase", "", "--quick-gen-key", "Not The Distribution <other@e2e>", "ed25519", "sign", "never");
        WithRootMounted(copy, root =>
        {
            var bash = Path.Combine(root, "usr", "bin", "bash");
            using (var f = new FileStream(bash, FileMode.Open, FileAccess.ReadWrite))
            {
                f.Seek(-1, SeekOrigin.End);
                var b = f.ReadByte();
                f.Seek(-1, SeekOrigin.End);
                f.WriteByte((byte)(b ^ 0xff));
            }

            var manifest = Path.Combine(root, "usr", "lib", "keel", "image.json");
            Assert.True(File.Exists(manifest + ".asc"), "the build wrote no manifest signature");
            File.Delete(manifest + ".asc");
            CertifiedImageFixture.Run("gpg", "--homedir", otherHome, "--batch", "--armor", "--output", manifest + ".asc", "--detach-sign", manifest);
        });
        CertifiedImageFixture.RunAllowingFailure("gpgconf", "--homedir", otherHome, "--kill", "all");

        var (exit, stdout, _) = await Keel("validate", "--image", copy, "--key", CertifiedImageFixture.DistributionKey);
        output.WriteLine(stdout);
        Assert.Equal(1, exit);
        var fails = Lines(stdout).Where(l => l.StartsWith("FAIL", StringComparison.Ordinal)).ToList();
        Assert.Contains(fails, l => l.StartsWith("FAIL files: /usr/bin/bash:", StringComparison.Ordinal) && l.Contains("digest", StringComparison.Ordinal));
        Assert.Contains(fails, l => l.StartsWith("FAIL manifest.signature:", StringComparison.Ordinal));
        // Nothing else is reported: each FAIL is one of the two changes.
        Assert.Equal(2, fails.Count);
    }

    [Fact]
    public async Task Two_builds_a_package_version_apart_diff_to_that_package_and_its_advisory()
    {
        var before = await fixture.ImageAsync("minimal");
        var after = await fixture.UpdatedMinimalImageAsync();

        var (exit, stdout, stderr) = await Keel("diff", before, after, "--repo", fixture.UpdateRepositoryDir, "--json");
        output.WriteLine(stdout);
        Assert.True(exit == 0, $"keel diff: exit {exit}: {stderr}");
        using (var report = JsonDocument.Parse(stdout))
        {
            var r = report.RootElement;
            var upgraded = Assert.Single(r.GetProperty("upgraded").EnumerateArray());
            Assert.Equal("tzdata", upgraded.GetProperty("name").GetString());
            Assert.Equal("2025a-1.azl4", upgraded.GetProperty("old").GetString());
            Assert.Equal("2025b-1.azl4", upgraded.GetProperty("new").GetString());
            foreach (var none in new[] { "added", "removed", "downgraded", "advisoriesIntroduced" })
            {
                Assert.Empty(r.GetProperty(none).EnumerateArray());
            }

            var advisory = Assert.Single(r.GetProperty("advisoriesFixed").EnumerateArray());
            Assert.Equal(CertifiedImageFixture.UpdateAdvisory, advisory.GetProperty("id").GetString());
            Assert.Equal(["CVE-2099-0200"], advisory.GetProperty("cves").EnumerateArray().Select(c => c.GetString()));
        }

        // The text form names both, one line each; the same image against itself has nothing to say.
        (exit, stdout, _) = await Keel("diff", before, after, "--repo", fixture.UpdateRepositoryDir);
        Assert.Equal(0, exit);
        Assert.Contains("upgraded   tzdata.noarch 2025a-1.azl4 -> 2025b-1.azl4", Lines(stdout));
        Assert.Contains(Lines(stdout), l => l.StartsWith($"fixed      {CertifiedImageFixture.UpdateAdvisory} ", StringComparison.Ordinal));
        (exit, stdout, _) = await Keel("diff", before, before, "--repo", fixture.UpdateRepositoryDir);
        Assert.Equal(0, exit);
        Assert.Equal("no differences", stdout.Trim());
    }

    [Fact]
    public async Task Inside_the_booted_machine_keel_validate_passes_then_fails_on_a_changed_binary_and_an_unsigned_package()
    {
        var image = Path.Combine(fixture.Work, "booted.raw");
        CertifiedImageFixture.Run("cp", "--sparse=always", await fixture.ImageAsync("container-host"), image);
        var unsigned = BuildUnsignedPackage();

        var seed = Path.Combine(fixture.Work, "seed");
        Directory.CreateDirectory(seed);
        File.WriteAllText(Path.Combine(seed, "meta-data"), "instance-id: e2e-certified-1\n");
        File.WriteAllText(Path.Combine(seed, "user-data"), $"""
            #cloud-config
            write_files:
              - path: /root/keel-unsigned.rpm
                encoding: b64
                content: {Convert.ToBase64String(File.ReadAllBytes(unsigned))}
              - path: /root/certify.sh
                permissions: "0755"
                content: |
            {Indent(GuestScript, 6)}
            runcmd:
              - sh /root/certify.sh > /dev/console 2>&1

            """);

        var console = new StringWriter();
        var boot = await new VirtualMachineRunner().RunAsync(
            new VmRunOptions { ImagePath = image, SeedDirectory = seed, Expect = "KEEL-CERT-DONE", Timeout = TimeSpan.FromMinutes(10), MemoryMiB = 768, TempRoot = fixture.Work }, console);
        var log = console.ToString();
        output.WriteLine(log);
        Assert.True(boot.Outcome == VmRunOutcome.ExpectedTextSeen, $"{boot.Outcome}: {EndToEnd.Tail(log)}");

        var clean = EndToEnd.Between(log, "KEEL-V1-BEGIN", "KEEL-V1-END");
        Assert.Contains("KEEL-V1-EXIT 0", clean);
        Assert.DoesNotContain(clean, l => l.StartsWith("FAIL", StringComparison.Ordinal));
        Assert.Contains(clean, l => l.StartsWith("PASS packages.signature:", StringComparison.Ordinal));
        Assert.Contains(clean, l => l.StartsWith("PASS files:", StringComparison.Ordinal));

        var target = Lines(log).Single(l => l.StartsWith("KEEL-TARGET ", StringComparison.Ordinal))["KEEL-TARGET ".Length..];
        var changed = EndToEnd.Between(log, "KEEL-V2-BEGIN", "KEEL-V2-END");
        Assert.Contains("KEEL-V2-EXIT 1", changed);
        Assert.Equal([$"FAIL files: {target}:"], changed.Where(l => l.StartsWith("FAIL", StringComparison.Ordinal)).Select(l => l[..(l.IndexOf(':', 11) + 1)]));

        Assert.Contains("KEEL-RPMI-EXIT 0", Lines(log));
        var foreign = EndToEnd.Between(log, "KEEL-V3-BEGIN", "KEEL-V3-END");
        Assert.Contains("KEEL-V3-EXIT 1", foreign);
        Assert.Contains(foreign, l => l.StartsWith("FAIL packages.signature: keel-unsigned-1.0-1.noarch", StringComparison.Ordinal));
        Assert.Contains(foreign, l => l.StartsWith($"FAIL files: {target}:", StringComparison.Ordinal));
    }

    /// <summary>Runs in the machine from the seed: validate, change one byte of a packaged binary nothing runs, validate, install an unsigned package, validate.</summary>
    private const string GuestScript = """
        #!/bin/sh
        echo KEEL-V1-BEGIN
        keel-validate; echo "KEEL-V1-EXIT $?"
        echo KEEL-V1-END
        for t in /usr/sbin/ethtool /usr/bin/crun /usr/bin/conmon /usr/sbin/gdisk /usr/bin/chronyc; do
          if [ -f "$t" ] && [ ! -L "$t" ] && rpm -qf "$t" >/dev/null 2>&1; then T=$t; break; fi
        done
        echo "KEEL-TARGET $T"
        if [ "$(tail -c 1 "$T")" = x ]; then b=y; else b=x; fi
        printf '%s' "$b" | dd of="$T" bs=1 seek=$(($(stat -c %s "$T") - 1)) conv=notrunc 2>/dev/null
        echo KEEL-V2-BEGIN
        keel-validate; echo "KEEL-V2-EXIT $?"
        echo KEEL-V2-END
        rpm -i --nosignature /root/keel-unsigned.rpm; echo "KEEL-RPMI-EXIT $?"
        echo KEEL-V3-BEGIN
        keel-validate; echo "KEEL-V3-EXIT $?"
        echo KEEL-V3-END
        echo KEEL-CERT-DONE
        """;

    /// <summary>A one-file noarch package built on the host and never signed.</summary>
    private string BuildUnsignedPackage()
    {
        var top = Path.Combine(fixture.Work, "rpmbuild");
        Directory.CreateDirectory(Path.Combine(top, "SPECS"));
        var spec = Path.Combine(top, "SPECS", "keel-unsigned.spec");
        File.WriteAllText(spec, """
            Name: keel-unsigned
            Version: 1.0
            Release: 1
            Summary: A package nobody signed
            License: MIT
            BuildArch: noarch

            %description
            Installed with rpm --nosignature to prove validation names it.

            %install
            mkdir -p %{buildroot}/usr/share/keel-unsigned
            echo unsigned > %{buildroot}/usr/share/keel-unsigned/README

            %files
            /usr/share/keel-unsigned/README
            """);
        // gzip payload and SHA-256 digests: what any rpm in the guest reads.
        CertifiedImageFixture.Run("rpmbuild", "--quiet", "--define", $"_topdir {top}", "--define", "_binary_payload w9.gzdio", "-bb", spec);
        return Directory.GetFiles(Path.Combine(top, "RPMS"), "keel-unsigned-1.0-1.noarch.rpm", SearchOption.AllDirectories).Single();
    }

    private static string Indent(string text, int spaces) =>
        string.Join('\n', text.ReplaceLineEndings("\n").Split('\n').Select(l => new string(' ', spaces) + l));

    /// <summary>Mounts the root partition of a raw image read-write through a loop device at its offset, and undoes it.</summary>
    private void WithRootMounted(string rawImage, Action<string> change)
    {
        using var table = JsonDocument.Parse(CertifiedImageFixture.Run("sfdisk", "--json", rawImage));
        var root = table.RootElement.GetProperty("partitiontable").GetProperty("partitions").EnumerateArray()
            .Single(p => string.Equals(p.GetProperty("type").GetString(), RootType, StringComparison.OrdinalIgnoreCase));
        var offset = root.GetProperty("start").GetInt64() * 512;
        var size = root.GetProperty("size").GetInt64() * 512;
        var device = CertifiedImageFixture.Run("losetup", "--find", "--show", "--offset", offset.ToString(), "--sizelimit", size.ToString(), rawImage).Trim();
        var mountPoint = Path.Combine(fixture.Work, "mnt-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(mountPoint);
        try
        {
            CertifiedImageFixture.Run("mount", device, mountPoint);
            try
            {
                change(mountPoint);
            }
            finally
            {
                CertifiedImageFixture.Run("umount", mountPoint);
            }
        }
        finally
        {
            CertifiedImageFixture.Run("losetup", "-d", device);
            Directory.Delete(mountPoint);
        }
    }

    /// <summary>rpm -qa of the image (read-only), as NAME-[EPOCH:]VERSION-RELEASE.ARCH, sorted.</summary>
    private static async Task<List<string>> RpmQaAsync(string image)
    {
        await using var system = await InspectedSystem.OpenImageAsync(image, CancellationToken.None);
        var list = Lines(CertifiedImageFixture.Run("rpm", "--root", system.Root, "--dbpath", RpmDbPath, "-qa", "--qf", "%{NAME}-%|EPOCH?{%{EPOCH}:}:{}|%{VERSION}-%{RELEASE}%|ARCH?{.%{ARCH}}:{}|\n"))
            .Where(l => l.Length > 0).ToList();
        list.Sort(StringComparer.Ordinal);
        return list;
    }

    /// <summary>NAME-[EPOCH:]VERSION-RELEASE[.ARCH] from a pkg:rpm purl (as Keel.Sbom.Tests reads it).</summary>
    private static string NevraFromPurl(string purl, string name)
    {
        var at = purl.IndexOf('@', StringComparison.Ordinal);
        var q = purl.IndexOf('?', StringComparison.Ordinal);
        var version = Uri.UnescapeDataString(q < 0 ? purl[(at + 1)..] : purl[(at + 1)..q]);
        var qualifiers = q < 0 ? [] : purl[(q + 1)..].Split('&').Select(kv => kv.Split('=')).ToDictionary(kv => kv[0], kv => Uri.UnescapeDataString(kv[1]));
        var epoch = qualifiers.TryGetValue("epoch", out var e) && e != "0" ? e + ":" : string.Empty;
        return qualifiers.TryGetValue("arch", out var arch) ? $"{name}-{epoch}{version}.{arch}" : $"{name}-{epoch}{version}";
    }

    private static List<string> Lines(string text) => text.ReplaceLineEndings("\n").Split('\n').Select(l => l.Trim()).ToList();

    private static async Task<(int Exit, string Stdout, string Stderr)> Keel(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var exit = await KeelCli.RunAsync(args, stdout, stderr);
        return (exit, stdout.ToString(), stderr.ToString());
    }
}
