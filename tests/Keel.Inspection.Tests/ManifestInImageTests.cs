using System.Text;
using Keel.ImageManifest;
using Keel.OpenPgp;

namespace Keel.Inspection.Tests;

/// <summary>The image manifest keel build writes, read back from the image and compared with the real rpm's view of it.</summary>
public sealed class ManifestInImageTests(BuiltImage image) : IClassFixture<BuiltImage>
{
    [Fact]
    public async Task The_manifest_lists_exactly_the_installed_packages_with_their_header_digests_and_is_signed()
    {
        await using var system = await InspectedSystem.OpenImageAsync(image.Qcow2, CancellationToken.None);
        var manifest = ImageManifestJson.Load(Path.Combine(system.Root, ImageManifestPaths.ManifestRelative));

        var rpm = BuiltImage.Run("rpm", "--root", system.Root, "--dbpath", "/usr/lib/sysimage/rpm", "-qa", "--qf",
            "%{NAME}-%|EPOCH?{%{EPOCH}:}:{}|%{VERSION}-%{RELEASE}.%{ARCH} %{SHA256HEADER}\\n");
        var expected = rpm.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => !l.StartsWith("gpg-pubkey-", StringComparison.Ordinal))
            .Select(l => l.Replace("-0:", "-", StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToList();
        var actual = manifest.Packages.Select(p => $"{p.Nevra} {p.HeaderSha256}").Order(StringComparer.Ordinal).ToList();
        Assert.Equal(expected, actual);
        Assert.All(manifest.Packages, p => Assert.Equal("keel-fixture", p.Repository));

        var repository = Assert.Single(manifest.Repositories);
        Assert.Equal("keel-fixture", repository.Id);
        var repomd = await File.ReadAllBytesAsync(Path.Combine(Keel.Tests.TestPaths.FixtureRepo, "repodata", "repomd.xml"));
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(repomd)), repository.RepomdSha256);
        Assert.NotEmpty(repository.Revision);

        Assert.Equal("minimal", manifest.Preset);
        Assert.Equal("inspected", manifest.Seed);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(BuiltImage.Epoch), manifest.BuildTime);
        Assert.Matches("^sha256:[0-9a-f]{64}$", manifest.ConfigDigest);
        Assert.Contains("hostname: \"inspected\"", manifest.Config);
        var osRelease = await File.ReadAllTextAsync(Path.Combine(system.Root, "usr", "lib", "os-release"));
        Assert.StartsWith(osRelease.Split('\n').First(l => l.StartsWith("ID=", StringComparison.Ordinal))[3..].Trim('"') + " ", manifest.Distribution);

        var ring = OpenPgpKeyRing.Parse(Encoding.ASCII.GetBytes(image.SigningPublicKey), "signing key");
        var result = ImageManifestVerifier.VerifyInRoot(system.Root, ring);
        Assert.True(result.IsValid, result.Message);
    }
}
