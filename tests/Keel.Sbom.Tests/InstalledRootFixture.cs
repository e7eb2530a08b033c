using System.Text.Json;
using Keel.ImageManifest;

namespace Keel.Sbom.Tests;

/// <summary>
/// One root for the SBOM tests: a small fixture system installed by dnf (a release package for os-release, openssh,
/// sudo, python3, two kernels), the fixture's signing key imported (so rpm -qa lists a gpg-pubkey) and a manifest.
/// </summary>
public sealed class InstalledRootFixture : IDisposable
{
    public InstalledRootFixture()
    {
        Root = FixtureRoot.Install(FixtureRoot.Repo, "azurelinux-release", "openssh-server-9.6p1", "sudo-1.9.16p2", "python3-3.13.1", "kernel-6.12.12.1", "kernel-6.12.18.1");
        Manifest = ManifestOf(Root, "developer", "preset: developer\nhostname: sbom-test\n");
        var path = Path.Combine(Root, ImageManifestPaths.ManifestRelative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, Serialize(Manifest));
    }

    public string Root { get; }

    public ImageManifestDocument Manifest { get; }

    /// <summary>A manifest as keel build writes one, from the root's rpmdb as rpm reports it.</summary>
    public static ImageManifestDocument ManifestOf(string root, string preset, string config)
    {
        var lines = FixtureRoot.Run("rpm", ["--root", root, "--dbpath", FixtureRoot.DbPath, "-qa", "--qf", "%{NAME}\t%{EPOCHNUM}\t%{VERSION}\t%{RELEASE}\t%{ARCH}\t%{SHA256HEADER}\n"]);
        var packages = lines.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => l.Split('\t'))
            .Where(f => f[0] != "gpg-pubkey")
            .Select(f => new ManifestPackage(f[0], f[1] == "0" ? null : int.Parse(f[1], System.Globalization.CultureInfo.InvariantCulture), f[2], f[3], f[4], f[5], "fx"))
            .OrderBy(p => p.Name, StringComparer.Ordinal).ThenBy(p => p.Arch, StringComparer.Ordinal)
            .ToArray();
        return new ImageManifestDocument
        {
            ConfigDigest = "sha256:" + new string('a', 64),
            Distribution = "azurelinux 4.0",
            Preset = preset,
            BuildTime = DateTimeOffset.FromUnixTimeSeconds(1_720_000_000),
            Seed = "sbom-test-seed",
            KeelVersion = "1.0.0",
            Repositories = [new ManifestRepository("fx", "file:///fixture", "1720000000", new string('b', 64))],
            Packages = packages,
            Config = config,
        };
    }

    private static readonly JsonSerializerOptions CamelCase = new() { PropertyNamingPolicy = JsonNamingPolicy.CamelCase, WriteIndented = true };

    /// <summary>The manifest's JSON as the manifest contract names its fields (camelCase).</summary>
    public static byte[] Serialize(ImageManifestDocument manifest) => JsonSerializer.SerializeToUtf8Bytes(manifest, CamelCase);

    public void Dispose() => FixtureRoot.Delete(Root);
}
