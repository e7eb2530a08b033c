using System.Diagnostics;
using System.Security.Cryptography;
using System.Text.Json;
using Keel.Media;
using Keel.Media.Manifest;

namespace Keel.Installer.Tests;

/// <summary>A GnuPG home for signing test media: a throwaway key, or a copy of the fixture distribution's (never used in place).</summary>
public sealed class TestSigner : IDisposable
{
    private TestSigner(string home, string keyId, string publicKeyFile)
    {
        Home = home;
        KeyId = keyId;
        PublicKeyFile = publicKeyFile;
    }

    public string Home { get; }

    /// <summary>The signing key's fingerprint (upper-case hex); the manifest's key id is its last 16 digits.</summary>
    public string KeyId { get; }

    /// <summary>The armored public key, as the live environment carries it.</summary>
    public string PublicKeyFile { get; }

    public static TestSigner Throwaway()
    {
        var home = Directory.CreateTempSubdirectory("keel-installer-gpg").FullName;
        Gpg(home, "--quick-gen-key", "Keel medium test <medium@test.invalid>", "ed25519", "sign", "never");
        return Finish(home, "medium@test.invalid");
    }

    /// <summary>A copy of the fixture repository's gnupg home (.keel-build/gnupg): the distribution key signs the medium.</summary>
    public static TestSigner Fixture(string fixtureRepo)
    {
        var home = Directory.CreateTempSubdirectory("keel-installer-gpg").FullName;
        var source = Path.Combine(fixtureRepo, ".keel-build", "gnupg");
        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(home, Path.GetRelativePath(source, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }

        var uid = Gpg(home, "--with-colons", "--list-secret-keys").Split('\n').First(l => l.StartsWith("fpr:", StringComparison.Ordinal)).Split(':')[9];
        return Finish(home, uid);
    }

    public byte[] Sign(byte[] data)
    {
        var input = Path.Combine(Home, "data-" + Guid.NewGuid().ToString("n"));
        File.WriteAllBytes(input, data);
        Gpg(Home, "--local-user", KeyId + "!", "--armor", "--output", input + ".asc", "--detach-sign", input);
        return File.ReadAllBytes(input + ".asc");
    }

    public void Dispose()
    {
        // gpg started an agent for this home; it would otherwise outlive the test.
        using (var kill = Process.Start(new ProcessStartInfo("gpgconf", ["--homedir", Home, "--kill", "gpg-agent"]) { RedirectStandardError = true }))
        {
            kill?.WaitForExit();
        }

        Directory.Delete(Home, recursive: true);
    }

    private static TestSigner Finish(string home, string who)
    {
        var fpr = Gpg(home, "--with-colons", "--list-keys", who).Split('\n').First(l => l.StartsWith("fpr:", StringComparison.Ordinal)).Split(':')[9];
        var pub = Path.Combine(home, "medium-key.asc");
        Gpg(home, "--armor", "--output", pub, "--export", fpr);
        return new TestSigner(home, fpr, pub);
    }

    public static string Gpg(string home, params string[] args)
    {
        var psi = new ProcessStartInfo("gpg") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in (string[])["--homedir", home, "--batch", "--pinentry-mode", "loopback", "--passphrase", "", .. args])
        {
            psi.ArgumentList.Add(a);
        }

        using var p = Process.Start(psi)!;
        var stderr = p.StandardError.ReadToEndAsync();
        var stdout = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, $"gpg {string.Join(' ', args)}: {stderr.Result}");
        return stdout;
    }
}

/// <summary>A medium's tree in a temp directory: keel/medium.json, an optional repository, the signed manifest.</summary>
internal sealed class TestMedium : IDisposable
{
    public TestMedium(MediumInfo info, string? repositorySource = null)
    {
        Root = Directory.CreateTempSubdirectory("keel-medium").FullName;
        Directory.CreateDirectory(Path.Combine(Root, "keel"));
        File.WriteAllBytes(Path.Combine(Root, MediumLayout.Info), JsonSerializer.SerializeToUtf8Bytes(info, MediumInfoJsonContext.Default.MediumInfo));
        var repo = Path.Combine(Root, MediumLayout.Repository);
        Directory.CreateDirectory(repo);
        if (repositorySource is null)
        {
            File.WriteAllText(Path.Combine(repo, "README"), "no packages on this test medium\n");
            return;
        }

        // The repository without its build directory (that holds the private signing key).
        foreach (var file in Directory.EnumerateFiles(repositorySource, "*", SearchOption.AllDirectories)
            .Where(f => !Path.GetRelativePath(repositorySource, f).StartsWith(".keel-build", StringComparison.Ordinal)))
        {
            var target = Path.Combine(repo, Path.GetRelativePath(repositorySource, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }

    public string Root { get; }

    public static MediumInfo Info(string? onlineUrl = null, string keyId = "") => new()
    {
        Name = "Keel fixture",
        Distribution = "fixture",
        Arch = "x86_64",
        VolumeLabel = "KEEL_FIXTURE",
        Presets = ["container-host"],
        RepositoryId = "keel-fixture",
        RepositoryKeys = ["repo/RPM-GPG-KEY-keel-fixture"],
        Online = onlineUrl is null ? null : new OnlineRepositoryInfo("keel-fixture-online", onlineUrl, [], 2),
        SigningKeyId = keyId,
    };

    /// <summary>Writes keel/manifest over every file (the customization directory excepted) and its signature.</summary>
    public void Sign(TestSigner signer)
    {
        var entries = Directory.EnumerateFiles(Root, "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(Root, f))
            .Where(p => !MediumLayout.IsUnsigned(p))
            .Select(p => new ManifestEntry(p, new FileInfo(Path.Combine(Root, p)).Length, Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(Path.Combine(Root, p))))));
        var manifest = MediumManifest.Create(entries).ToBytes();
        File.WriteAllBytes(Path.Combine(Root, MediumLayout.Manifest), manifest);
        File.WriteAllBytes(Path.Combine(Root, MediumLayout.ManifestSignature), signer.Sign(manifest));
    }

    /// <summary>Writes a customization file (not signed, as `keel media customize` adds it).</summary>
    public string Customize(string relativePath, string text)
    {
        var path = Path.Combine(Root, relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
        return path;
    }

    public void Dispose() => Directory.Delete(Root, recursive: true);
}
