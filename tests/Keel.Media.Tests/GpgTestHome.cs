using System.Diagnostics;

namespace Keel.Media.Tests;

/// <summary>A throwaway GnuPG home in a temp directory (a fresh key, or a copy of another home), driven through the real gpg.</summary>
internal sealed class GpgTestHome : IDisposable
{
    public GpgTestHome(string? copyFrom = null)
    {
        // Short path: gpg-agent's socket path must fit in sun_path.
        Dir = Directory.CreateTempSubdirectory("kmg").FullName;
        if (copyFrom is not null)
        {
            foreach (var file in Directory.EnumerateFiles(copyFrom, "*", SearchOption.AllDirectories).Where(f => !Path.GetFileName(f).StartsWith("S.", StringComparison.Ordinal)))
            {
                var target = Path.Combine(Dir, Path.GetRelativePath(copyFrom, file));
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                File.Copy(file, target);
            }
        }

        File.SetUnixFileMode(Dir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    public string Dir { get; }

    /// <summary>Generates an RSA key without passphrase and returns its fingerprint.</summary>
    public string Generate(string uid)
    {
        Run("--quick-gen-key", uid, "rsa2048", "sign", "never");
        return Run("--with-colons", "--list-keys", uid).Split('\n').First(l => l.StartsWith("fpr:", StringComparison.Ordinal)).Split(':')[9];
    }

    public byte[] Export(string who)
    {
        var path = Path.Combine(Dir, "export-" + Guid.NewGuid().ToString("n"));
        Run("--armor", "--output", path, "--export", who);
        return File.ReadAllBytes(path);
    }

    public void SignDetached(string file, string signer) => Run("--local-user", signer, "--armor", "--output", file + ".asc", "--detach-sign", file);

    public string Run(params string[] args)
    {
        var psi = new ProcessStartInfo("gpg") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "--homedir", Dir, "--batch", "--pinentry-mode", "loopback", "--passphrase", "" }.Concat(args))
        {
            psi.ArgumentList.Add(a);
        }

        using var p = Process.Start(psi)!;
        var stderr = p.StandardError.ReadToEndAsync();
        var stdout = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        return p.ExitCode == 0 ? stdout : throw new InvalidOperationException($"gpg {string.Join(' ', args)} failed: {stderr.Result}");
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
