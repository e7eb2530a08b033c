using System.Diagnostics;
using Keel.Config.Loading;
using Keel.Config.Presets;
using Keel.Install.Engine;
using Keel.Repository.Cache;
using Keel.Tests;

namespace Keel.Inspection.Tests;

/// <summary>One minimal fixture image (qcow2, reproducible), built once per test class by the real keel build engine.</summary>
public sealed class BuiltImage : IAsyncLifetime
{
    /// <summary>
    /// Older than the fixture packages' file mtimes (its packages are built with SOURCE_DATE_EPOCH 1735689600), so the
    /// build must tell packaged files, which keep their header mtimes, from what it made, which is clamped.
    /// </summary>
    public const long Epoch = 1_700_000_000;

    public string Work { get; } = Directory.CreateTempSubdirectory("keel-inspection-tests-").FullName;

    private string _secretKeyFile = "";
    private LoadedConfig? _config;

    public string Qcow2 => Path.Combine(Work, "minimal.qcow2");

    /// <summary>The armored public key of the key that signed the image's manifest.</summary>
    public string SigningPublicKey { get; private set; } = "";

    public async Task InitializeAsync()
    {
        var repo = TestPaths.FixtureRepo;
        Assert.True(File.Exists(Path.Combine(repo, "repodata", "repomd.xml")), $"fixture repository missing at {repo}: run tests/fixture-distro/build.sh");
        var configPath = Path.Combine(Work, "minimal.yaml");
        await File.WriteAllTextAsync(configPath, $"""
            apiVersion: keel/v1
            kind: Machine
            distribution: fixture
            preset: minimal
            repositories:
              - id: keel-fixture
                path: {repo}
                gpgkeys:
                  - {repo}/RPM-GPG-KEY-keel-fixture
            hostname: inspected
            output:
              size: 2GiB
            seed: inspected
            """);
        var loaded = ConfigLoader.LoadFile(configPath);
        Assert.False(loaded.HasErrors, string.Join("\n", loaded.Diagnostics));

        // The manifest is signed with a key made for the test, given as an armored secret key file (--signing-key FILE).
        var gnupg = Path.Combine(Work, "gnupg");
        Directory.CreateDirectory(gnupg, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        Gpg(gnupg, "--batch", "--passphrase", "", "--quick-gen-key", "Image <image@keel.test>", "ed25519", "sign", "never");
        var secret = Path.Combine(Work, "signing-key.asc");
        await File.WriteAllTextAsync(secret, Gpg(gnupg, "--batch", "--armor", "--export-secret-keys"));
        SigningPublicKey = Gpg(gnupg, "--batch", "--armor", "--export");
        _secretKeyFile = secret;
        _config = loaded.Config!;
        await BuildAsync(Qcow2);
    }

    /// <summary>Builds the same config again, with the same epoch and key, into <paramref name="output"/>.</summary>
    public async Task BuildAsync(string output, Keel.Install.PackagePin? pin = null)
    {
        await using var signingKey = await Keel.Install.Signing.SigningKey.OpenAsync(_secretKeyFile, Epoch, CancellationToken.None);
        await new ImageBuilder(new ImageBuildOptions
        {
            Output = output,
            SourceDateEpoch = Epoch,
            Cache = new KeelCache(Path.Combine(Work, "cache")),
            ManifestSigner = signingKey.Signer,
            Pin = pin,
        }).BuildAsync(_config!, PackageRequest.Build(_config!, PresetCatalog.CreateDefault()));
    }

    /// <summary>The image converted to another format with qemu-img (vpc = vhd), into the work directory.</summary>
    public string ConvertTo(string qemuFormat, string name, params string[] options)
    {
        var output = Path.Combine(Work, name);
        if (!File.Exists(output))
        {
            Run("qemu-img", ["convert", "-q", "-f", "qcow2", "-O", qemuFormat, .. options, Qcow2, output]);
        }

        return output;
    }

    public Task DisposeAsync()
    {
        using (Process.Start(new ProcessStartInfo("gpgconf", ["--kill", "all"]) { Environment = { ["GNUPGHOME"] = Path.Combine(Work, "gnupg") } })!)
        {
        }

        Directory.Delete(Work, recursive: true);
        return Task.CompletedTask;
    }

    private static string Gpg(string home, params string[] args)
    {
        var psi = new ProcessStartInfo("gpg", args) { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.Environment["GNUPGHOME"] = home;
        using var p = Process.Start(psi)!;
        var output = p.StandardOutput.ReadToEndAsync();
        var error = p.StandardError.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, $"gpg {string.Join(' ', args)} failed: {error}");
        return output.Result;
    }

    public static string Run(string tool, params string[] args)
    {
        using var p = Process.Start(new ProcessStartInfo(tool, args) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var output = p.StandardOutput.ReadToEndAsync();
        var error = p.StandardError.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, $"{tool} {string.Join(' ', args)} failed: {error}");
        return output.Result;
    }
}
