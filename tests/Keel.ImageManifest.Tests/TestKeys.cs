using System.Diagnostics;

namespace Keel.ImageManifest.Tests;

/// <summary>A fresh OpenPGP key made by the real gpg in a private keyring: its armored secret key file and public key.</summary>
public sealed class TestKey : IDisposable
{
    private readonly string _home = Directory.CreateTempSubdirectory("keel-manifest-key-").FullName;

    public TestKey(string name)
    {
        Gpg("--batch", "--passphrase", "", "--quick-gen-key", $"{name} <{name}@keel.test>", "ed25519", "sign", "never");
        SecretKeyFile = Path.Combine(_home, "secret.asc");
        File.WriteAllText(SecretKeyFile, Gpg("--batch", "--armor", "--export-secret-keys"));
        PublicKey = Gpg("--batch", "--armor", "--export");
        KeyId = Gpg("--batch", "--with-colons", "--list-keys").Split('\n').First(l => l.StartsWith("pub:", StringComparison.Ordinal)).Split(':')[4];
    }

    public string SecretKeyFile { get; }

    public string PublicKey { get; }

    /// <summary>The long key id, upper-case hex.</summary>
    public string KeyId { get; }

    public Keel.OpenPgp.OpenPgpKeyRing Ring => Keel.OpenPgp.OpenPgpKeyRing.Parse(System.Text.Encoding.ASCII.GetBytes(PublicKey), "test key");

    public void Dispose()
    {
        using (Process.Start(new ProcessStartInfo("gpgconf", ["--kill", "all"]) { Environment = { ["GNUPGHOME"] = _home } })!)
        {
        }

        Directory.Delete(_home, recursive: true);
    }

    private string Gpg(params string[] args)
    {
        var psi = new ProcessStartInfo("gpg", args) { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.Environment["GNUPGHOME"] = _home;
        using var p = Process.Start(psi)!;
        var output = p.StandardOutput.ReadToEndAsync();
        var error = p.StandardError.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, $"gpg {string.Join(' ', args)} failed: {error}");
        return output.Result;
    }
}
