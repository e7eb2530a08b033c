using System.Diagnostics;

namespace Keel.OpenPgp.Tests;

/// <summary>A throwaway GnuPG home in a temp directory, driven through the real gpg.</summary>
internal sealed class GpgHome : IDisposable
{
    public GpgHome()
    {
        Dir = Directory.CreateTempSubdirectory("kpg").FullName;
    }

    public string Dir { get; }

    /// <summary>Generates a key without passphrase and returns its fingerprint.</summary>
    public string Generate(string uid, string algo)
    {
        Run("--quick-gen-key", uid, algo, "sign", "never");
        return Fingerprints(uid)[0];
    }

    public string AddSigningSubkey(string fingerprint, string algo)
    {
        Run("--quick-add-key", fingerprint, algo, "sign", "never");
        return Fingerprints(fingerprint)[^1];
    }

    public List<string> Fingerprints(string who) =>
        [.. Run("--with-colons", "--list-keys", who).Split('\n').Where(l => l.StartsWith("fpr:", StringComparison.Ordinal)).Select(l => l.Split(':')[9].ToLowerInvariant())];

    public byte[] Export(string who, bool armor)
    {
        var path = Path.Combine(Dir, "export-" + Guid.NewGuid().ToString("n"));
        Run(armor ? ["--armor", "--output", path, "--export", who] : ["--output", path, "--export", who]);
        return File.ReadAllBytes(path);
    }

    public byte[] SignDetached(byte[] data, string signer, bool armor, params string[] options)
    {
        var input = Path.Combine(Dir, "data-" + Guid.NewGuid().ToString("n"));
        File.WriteAllBytes(input, data);
        var output = input + ".sig";
        var args = new List<string> { "--local-user", signer + "!", "--output", output };
        if (armor)
        {
            args.Add("--armor");
        }

        args.AddRange(options);
        args.AddRange(["--detach-sign", input]);
        Run([.. args]);
        return File.ReadAllBytes(output);
    }

    public string Run(params string[] args)
    {
        var psi = new ProcessStartInfo("gpg") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "--homedir", Dir, "--batch", "--pinentry-mode", "loopback", "--passphrase", "" })
        {
            psi.ArgumentList.Add(a);
        }

        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        using var p = Process.Start(psi)!;
        var stderr = p.StandardError.ReadToEndAsync();
        var stdout = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0)
        {
            throw new InvalidOperationException($"gpg {string.Join(' ', args)} failed: {stderr.Result}");
        }

        return stdout;
    }

    public void Dispose()
    {
        try
        {
            using var p = Process.Start(new ProcessStartInfo("gpgconf") { ArgumentList = { "--homedir", Dir, "--kill", "gpg-agent" } });
            p?.WaitForExit();
        }
        finally
        {
            Directory.Delete(Dir, recursive: true);
        }
    }
}
