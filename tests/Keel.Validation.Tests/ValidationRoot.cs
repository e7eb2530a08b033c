using System.Text.Json;
using Keel.ImageManifest;
using Keel.RpmDb;
using Keel.Tests;

namespace Keel.Validation.Tests;

/// <summary>
/// A root made the way an image is: fixture packages installed with rpm --root from KEEL_FIXTURE_REPO (the fixture key
/// imported, signatures checked), and an image manifest written and signed with the fixture's own signing key. Made
/// once; every test works on its own copy.
/// </summary>
public sealed class ValidationRoot : IDisposable
{
    // A small closure of real packages: the release package (os-release, banner, %config files), binaries, symlinks,
    // a setuid file and the filesystem's directories. --nodeps: glibc and friends would add nothing these checks need.
    private static readonly string[] PackageNames = ["setup", "filesystem", "azurelinux-release", "bash", "sudo"];

    public ValidationRoot()
    {
        Scratch = Directory.CreateTempSubdirectory("keel-validation-").FullName;
        GnupgHome = Path.Combine(Scratch, "gnupg");
        Directory.CreateDirectory(GnupgHome);
        File.SetUnixFileMode(GnupgHome, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        Tool.Check("cp", ["-a", Path.Combine(TestPaths.FixtureRepo, ".keel-build", "gnupg") + "/.", GnupgHome]);
        Fingerprint = Tool.Check("gpg", ["--batch", "--with-colons", "--list-secret-keys"], GpgEnv)
            .Split('\n').First(l => l.StartsWith("fpr:", StringComparison.Ordinal)).Split(':')[9];

        Base = Path.Combine(Scratch, "base");
        Directory.CreateDirectory(Base);
        var (exit, _, err) = Tool.Rpm(Base, "--import", FixtureKey);
        Assert.True(exit == 0, err);
        (exit, _, err) = Tool.Rpm(Base, ["-i", "--nodeps", "--noscripts", .. PackageNames.Select(FixturePackage)]);
        Assert.True(exit == 0, err);
        WriteManifest(Base);
    }

    public string Scratch { get; }

    /// <summary>The root every test copies; never changed after the constructor.</summary>
    public string Base { get; }

    public string GnupgHome { get; }

    /// <summary>The fixture distribution's signing key (secret in <see cref="GnupgHome"/>).</summary>
    public string Fingerprint { get; }

    public static string FixtureKey => Path.Combine(TestPaths.FixtureRepo, "RPM-GPG-KEY-keel-fixture");

    public IReadOnlyDictionary<string, string> GpgEnv => new Dictionary<string, string> { ["GNUPGHOME"] = GnupgHome };

    /// <summary>The package file of the fixture repository: noarch or x86_64, the first version in name order.</summary>
    public static string FixturePackage(string name)
    {
        var dir = Path.Combine(TestPaths.FixtureRepo, "Packages", name[..1]);
        return Directory.EnumerateFiles(dir, $"{name}-*.rpm")
            .Where(f => char.IsAsciiDigit(Path.GetFileName(f)[name.Length + 1]))
            .Where(f => f.EndsWith(".x86_64.rpm", StringComparison.Ordinal) || f.EndsWith(".noarch.rpm", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .First();
    }

    /// <summary>A copy of the base root for one test to change.</summary>
    public string Copy(string name)
    {
        var copy = Path.Combine(Scratch, $"{name}-{Guid.NewGuid():N}");
        Tool.Check("cp", ["-a", Base, copy]);
        return copy;
    }

    /// <summary>Writes usr/lib/keel/image.json for what the root's rpmdb holds, signed by the fixture key unless another GNUPGHOME is given.</summary>
    public void WriteManifest(string root, string? gnupgHome = null)
    {
        var installed = RpmDatabase.Open(root).Packages.Where(p => p.Metadata.Name != "gpg-pubkey");
        var manifest = new ImageManifestDocument
        {
            ConfigDigest = "sha256:" + new string('0', 64),
            Distribution = "azurelinux 4.0",
            Preset = null,
            BuildTime = DateTimeOffset.FromUnixTimeSeconds(1735689600),
            Repositories = [new ManifestRepository("keel-fixture", "file://" + TestPaths.FixtureRepo, "1735689600", new string('0', 64))],
            Packages = [.. installed
                .Select(p => new ManifestPackage(p.Metadata.Name, p.Metadata.Evr.EpochNumber > 0 ? (int)p.Metadata.Evr.EpochNumber : null, p.Metadata.Evr.Version,
                    p.Metadata.Evr.Release ?? string.Empty, p.Metadata.Arch, p.Header.GetString(Keel.Rpm.RpmSignatureTags.Sha256Header)!, "keel-fixture"))
                .OrderBy(p => p.Name, StringComparer.Ordinal).ThenBy(p => p.Arch, StringComparer.Ordinal)],
        };
        var path = Path.Combine(root, ImageManifestPaths.ManifestRelative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, ImageManifestJson.Serialize(manifest));
        File.Delete(path + ".asc");
        Tool.Check("gpg", ["--batch", "--yes", "--armor", "--detach-sign", "--output", path + ".asc", path],
            new Dictionary<string, string> { ["GNUPGHOME"] = gnupgHome ?? GnupgHome });
    }

    public void Dispose()
    {
        Tool.Run("gpgconf", ["--kill", "gpg-agent"], GpgEnv);
        try
        {
            Directory.Delete(Scratch, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
