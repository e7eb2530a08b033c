

namespace Keel.Validation.Tests;

/// <summary>The checks against a root installed from the fixture repository with rpm --root, clean and deliberately changed.</summary>
public sealed class ValidatorTests(ValidationRoot fixture) : IClassFixture<ValidationRoot>
{
    private static ValidationReport Validate(string root, params string[] keys) =>
        SystemValidator.Validate(new ValidationOptions(root, keys, Running: false), "root " + root);

    private static string Dump(ValidationReport report) => string.Join("\n", report.Results);

    [Fact]
    public void CleanRoot_PassesEveryCheck_WithTheReleaseKeysAndWithTheDistributionKey()
    {
        foreach (var report in new[] { Validate(fixture.Base), Validate(fixture.Base, ValidationRoot.FixtureKey) })
        {
            Assert.False(report.Failed, Dump(report));
            Assert.DoesNotContain(report.Results, r => r.Status == ValidationStatus.Warn);
            foreach (var check in new[] { "release.os-release", "release.package", "release.banner", "manifest.signature", "manifest.packages", "packages.signature", "files", "files.config", "boot.permissions" })
            {
                Assert.Contains(report.Results, r => r.Check == check && r.Status == ValidationStatus.Pass);
            }

            Assert.Contains(report.Results, r => r.Check == "release.banner" && r.Detail.Contains("This is a preview release. Do not use in production.", StringComparison.Ordinal));
        }
    }

    [Fact]
    public void OneByteChangedInAPackagedBinary_FailsNamingTheFile()
    {
        var root = fixture.Copy("byte");
        using (var f = File.Open(Path.Combine(root, "usr/bin/bash"), FileMode.Open, FileAccess.ReadWrite))
        {
            f.Position = 4096;
            int b = f.ReadByte();
            f.Position = 4096;
            f.WriteByte((byte)(b ^ 0xff));
        }

        var report = Validate(root);
        Assert.True(report.Failed);
        var fail = Assert.Single(report.Results, r => r.Status == ValidationStatus.Fail);
        Assert.Equal("files", fail.Check);
        Assert.Equal("/usr/bin/bash", fail.Subject);
        Assert.StartsWith("..5......", fail.Detail, StringComparison.Ordinal);
        Assert.Contains("bash-", fail.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void UnsignedPackageInstalledWithNoSignature_FailsNamingThePackage()
    {
        var root = fixture.Copy("unsigned");
        var rpm = BuildUnsignedPackage();
        var (exit, _, err) = Tool.Rpm(root, "-i", "--nosignature", "--nodeps", "--noscripts", rpm);
        Assert.True(exit == 0, err);
        // The manifest lists it too, so only the signature check can catch it.
        fixture.WriteManifest(root);

        var report = Validate(root);
        var fail = Assert.Single(report.Results, r => r.Status == ValidationStatus.Fail);
        Assert.Equal("packages.signature", fail.Check);
        Assert.Equal("keel-unsigned-1.0-1.noarch", fail.Subject);
        Assert.Contains("not signed", fail.Detail, StringComparison.Ordinal);
        Assert.Contains(report.Results, r => r.Check == "manifest.packages" && r.Status == ValidationStatus.Pass);
    }

    [Fact]
    public void PackageSignedByAKeyTheReleaseDoesNotTrust_Fails()
    {
        // The fixture packages are signed by the fixture key; trusting only another key must fail every one of them.
        var other = Path.Combine(fixture.Scratch, $"other-{Guid.NewGuid():N}");
        var key = MakeKey(other);
        var report = Validate(fixture.Base, key);
        var failed = report.Results.Where(r => r.Check == "packages.signature" && r.Status == ValidationStatus.Fail).ToList();
        Assert.Equal(5, failed.Count);
        Assert.Contains(failed, r => r.Subject.StartsWith("bash-", StringComparison.Ordinal) && r.Detail.Contains("does not trust", StringComparison.Ordinal));
        Assert.Contains(report.Results, r => r.Check == "manifest.signature" && r.Status == ValidationStatus.Fail);
    }

    [Fact]
    public void ManifestSignedByAnotherKey_Fails()
    {
        var root = fixture.Copy("manifest-key");
        var other = Path.Combine(fixture.Scratch, $"other-{Guid.NewGuid():N}");
        MakeKey(other);
        fixture.WriteManifest(root, other);

        var report = Validate(root);
        var fail = Assert.Single(report.Results, r => r.Status == ValidationStatus.Fail);
        Assert.Equal("manifest.signature", fail.Check);
        Assert.Contains("not trusted", fail.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void ManifestChangedAfterSigning_Fails()
    {
        var root = fixture.Copy("manifest-edit");
        var path = Path.Combine(root, "usr/lib/keel/image.json");
        File.WriteAllText(path, File.ReadAllText(path).Replace("azurelinux 4.0", "azurelinux 4.1", StringComparison.Ordinal));

        var report = Validate(root);
        Assert.Contains(report.Results, r => r.Check == "manifest.signature" && r.Status == ValidationStatus.Fail && r.Detail.Contains("BAD", StringComparison.Ordinal));
        // The edited distribution no longer matches os-release either.
        Assert.Contains(report.Results, r => r.Check == "release.os-release" && r.Status == ValidationStatus.Fail);
    }

    [Fact]
    public void InstalledPackagesDifferingFromTheManifest_AreNamed()
    {
        var root = fixture.Copy("manifest-packages");
        var (exit, _, err) = Tool.Rpm(root, "-e", "--nodeps", "--noscripts", "sudo");
        Assert.True(exit == 0, err);
        (exit, _, err) = Tool.Rpm(root, "-i", "--nosignature", "--nodeps", "--noscripts", BuildUnsignedPackage());
        Assert.True(exit == 0, err);

        var lines = Validate(root).Results.Where(r => r.Check == "manifest.packages").ToList();
        Assert.All(lines, l => Assert.Equal(ValidationStatus.Fail, l.Status));
        Assert.Contains(lines, l => l.Subject.StartsWith("sudo-", StringComparison.Ordinal) && l.Detail.Contains("missing", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Subject == "keel-unsigned-1.0-1.noarch" && l.Detail.Contains("added", StringComparison.Ordinal));
    }

    [Fact]
    public void NoManifest_Fails()
    {
        var root = fixture.Copy("no-manifest");
        File.Delete(Path.Combine(root, "usr/lib/keel/image.json"));
        Assert.Contains(Validate(root).Results, r => r.Check == "manifest.signature" && r.Status == ValidationStatus.Fail);
    }

    [Fact]
    public void DeliberateChanges_AgreeWithRpmVa()
    {
        var root = fixture.Copy("rpm-va");
        using (var f = File.Open(Path.Combine(root, "usr/bin/bash"), FileMode.Open, FileAccess.ReadWrite))
        {
            f.Position = 100;
            f.WriteByte(0xcc);
        }

        File.SetUnixFileMode(Path.Combine(root, "usr/sbin/visudo"), (UnixFileMode)Convert.ToInt32("4777", 8));
        Tool.Check("chown", ["12345:12345", Path.Combine(root, "usr/bin/sudo")]);
        File.Delete(Path.Combine(root, "usr/bin/sh"));
        File.CreateSymbolicLink(Path.Combine(root, "usr/bin/sh"), "/etc/shadow");
        File.AppendAllText(Path.Combine(root, "etc/motd"), "changed\n");
        File.Delete(Path.Combine(root, "etc/issue.net"));
        File.SetUnixFileMode(Path.Combine(root, "opt"), (UnixFileMode)Convert.ToInt32("777", 8));

        var (exit, rpmOut, _) = Tool.Rpm(root, "-Va", "--nodeps", "--nomtime");
        Assert.NotEqual(0, exit);
        var rpmLines = rpmOut.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(ParseRpmLine).Order(StringComparer.Ordinal).ToList();
        Assert.True(rpmLines.Count >= 7, rpmOut);

        var report = Validate(root);
        var keelLines = report.Results
            .Where(r => r.Check is "files" or "files.config" && r.Status != ValidationStatus.Pass)
            .Select(r => $"{(r.Detail.StartsWith("missing", StringComparison.Ordinal) ? "missing" : r.Detail[..9])} {(r.Check == "files.config" ? "c" : " ")} {r.Subject}")
            .Order(StringComparer.Ordinal)
            .ToList();
        Assert.Equal(rpmLines, keelLines);
        Assert.All(report.Results.Where(r => r.Check == "files.config" && r.Status != ValidationStatus.Pass), r => Assert.Equal(ValidationStatus.Warn, r.Status));
        Assert.All(report.Results.Where(r => r.Check == "files" && r.Status != ValidationStatus.Pass), r => Assert.Equal(ValidationStatus.Fail, r.Status));
    }

    [Fact]
    public void WorldWritableBoot_Fails()
    {
        var root = fixture.Copy("boot");
        File.WriteAllText(Path.Combine(root, "boot/vmlinuz-test"), "kernel");
        File.SetUnixFileMode(Path.Combine(root, "boot/vmlinuz-test"), (UnixFileMode)Convert.ToInt32("666", 8));
        var line = Assert.Single(Validate(root).Results, r => r.Check == "boot.permissions");
        Assert.Equal(ValidationStatus.Fail, line.Status);
        Assert.Contains("/boot/vmlinuz-test", line.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void SelinuxPermissive_Warns_AndAMissingPolicyIsReported()
    {
        var root = fixture.Copy("selinux");
        Directory.CreateDirectory(Path.Combine(root, "etc/selinux"));
        File.WriteAllText(Path.Combine(root, "etc/selinux/config"), "SELINUX=permissive\nSELINUXTYPE=targeted\n");
        var report = Validate(root);
        Assert.Contains(report.Results, r => r.Check == "selinux.mode" && r.Status == ValidationStatus.Warn && r.Detail.Contains("permissive", StringComparison.Ordinal));
        Assert.Contains(report.Results, r => r.Check == "selinux.policy" && r.Status == ValidationStatus.Warn);

        File.WriteAllText(Path.Combine(root, "etc/selinux/config"), "SELINUX=enforcing\nSELINUXTYPE=targeted\n");
        Directory.CreateDirectory(Path.Combine(root, "etc/selinux/targeted/policy"));
        File.WriteAllText(Path.Combine(root, "etc/selinux/targeted/policy/policy.33"), "policy");
        report = Validate(root);
        Assert.Contains(report.Results, r => r.Check == "selinux.mode" && r.Status == ValidationStatus.Pass);
        Assert.Contains(report.Results, r => r.Check == "selinux.policy" && r.Status == ValidationStatus.Pass && r.Subject.EndsWith("policy.33", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(1, ValidationStatus.Pass, "enabled")]
    [InlineData(0, ValidationStatus.Warn, "disabled")]
    public void SecureBoot_IsReadFromTheFirmwareVariable(byte value, ValidationStatus expected, string detail)
    {
        var sys = Path.Combine(fixture.Scratch, $"sys-{Guid.NewGuid():N}");
        var variable = Path.Combine(sys, PlatformSecurityCheck.SecureBootVariable);
        Directory.CreateDirectory(Path.GetDirectoryName(variable)!);
        File.WriteAllBytes(variable, [6, 0, 0, 0, value]);
        var options = new ValidationOptions(fixture.Base, [], Running: true) { SysDirectory = sys };
        var line = Assert.Single(SystemValidator.Validate(options, "test").Results, r => r.Check == "secureboot");
        Assert.Equal(expected, line.Status);
        Assert.Contains(detail, line.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void EveryHeaderRegion_HashesToItsRecordedSha256Header()
    {
        foreach (var package in Keel.RpmDb.RpmDatabase.Open(fixture.Base).Packages.Where(p => p.Metadata.Name != "gpg-pubkey"))
        {
            var region = ImmutableHeaderRegion.Extract(package.Header);
            Assert.NotNull(region);
            Assert.Equal(
                package.Header.GetString(Keel.Rpm.RpmSignatureTags.Sha256Header),
                Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(region)));
        }
    }

    // "S.5......  c /etc/motd" or "missing   c /etc/issue.net" -> "S.5...... c /etc/motd", "missing c /etc/issue.net".
    private static string ParseRpmLine(string line)
    {
        var attrs = line[..9].Trim();
        var rest = line[9..].TrimStart();
        var config = rest.StartsWith("c ", StringComparison.Ordinal);
        var path = config ? rest[2..].TrimStart() : rest;
        return $"{attrs} {(config ? "c" : " ")} {path}";
    }

    private string BuildUnsignedPackage()
    {
        var top = Path.Combine(fixture.Scratch, $"rpmbuild-{Guid.NewGuid():N}");
        Directory.CreateDirectory(top);
        var spec = Path.Combine(top, "keel-unsigned.spec");
        File.WriteAllText(spec, """
            Name: keel-unsigned
            Version: 1.0
            Release: 1
            Summary: A package nobody signed
            License: MIT
            BuildArch: noarch
            %description
            Installed with rpm --nosignature by the validation tests.
            %install
            mkdir -p %{buildroot}/usr/share/keel-unsigned
            echo unsigned > %{buildroot}/usr/share/keel-unsigned/README
            %files
            /usr/share/keel-unsigned/README
            """);
        Tool.Check("rpmbuild", ["-bb", "--quiet", "--define", $"_topdir {top}", spec]);
        return Directory.EnumerateFiles(Path.Combine(top, "RPMS"), "*.rpm", SearchOption.AllDirectories).Single();
    }

    // A fresh ed25519 signing key in its own GNUPGHOME; returns its exported public key file.
    private static string MakeKey(string gnupgHome)
    {
        Directory.CreateDirectory(gnupgHome);
        File.SetUnixFileMode(gnupgHome, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var env = new Dictionary<string, string> { ["GNUPGHOME"] = gnupgHome };
        Tool.Check("gpg", ["--batch", "--pinentry-mode", "loopback", "--passphrase", "", "--quick-generate-key", "Other <other@example.invalid>", "ed25519", "sign", "never"], env);
        var key = Path.Combine(gnupgHome, "other.asc");
        Tool.Check("gpg", ["--batch", "--armor", "--output", key, "--export"], env);
        Tool.Run("gpgconf", ["--kill", "gpg-agent"], env);
        return key;
    }

}
