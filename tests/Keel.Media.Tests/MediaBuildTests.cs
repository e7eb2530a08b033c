using System.Diagnostics;
using System.Text.Json;
using Keel.Media.Iso;
using Keel.OpenPgp;

namespace Keel.Media.Tests;

/// <summary>
/// One real medium of the fixture distribution, built once, then checked the ways a user would: keel media verify,
/// sha256sum -c and gpgv beside it, its layout, keel media customize, and a tampered copy that must fail naming the file.
/// </summary>
[Collection("media-cli")]
public sealed class MediaBuildTests(FixtureSigningKey key, MediaBuildTests.BuiltMedium medium) : IClassFixture<MediaBuildTests.BuiltMedium>
{
    /// <summary>The medium, built once for the class (about a minute on the 2-core test machine).</summary>
    public sealed class BuiltMedium : IDisposable
    {
        public BuiltMedium()
        {
            Dir = Directory.CreateTempSubdirectory("keel-media-build-").FullName;
            Environment.SetEnvironmentVariable("SOURCE_DATE_EPOCH", null);
        }

        public string Dir { get; }

        public string Iso => Path.Combine(Dir, "out", "installer.iso");

        // The fixture's own dracut boots root=live: only with tests/fixture-distro's live support; until then the live
        // root goes into the initramfs, which every fixture kernel boots.
        public string LiveRoot => FixtureMedium.FixtureHasLive ? "squashfs" : "initramfs";

        public (int Exit, string Out, string Err) Result { get; set; }

        public SemaphoreSlim Once { get; } = new(1, 1);

        public void Dispose() => Directory.Delete(Dir, recursive: true);
    }

    private readonly BuiltMedium _medium = medium;

    [Fact]
    public async Task The_fixture_medium_builds_and_verifies_with_the_distribution_key()
    {
        var (exit, stdout, stderr) = await BuildAsync();
        Assert.True(exit == 0, stderr);
        Assert.Contains("wrote " + _medium.Iso, stderr + stdout, StringComparison.Ordinal);
        var outDir = Path.GetDirectoryName(_medium.Iso)!;
        Assert.Equal(["SHA256SUMS", "SHA256SUMS.asc", "installer.iso"], Directory.GetFileSystemEntries(outDir).Select(Path.GetFileName).Order(StringComparer.Ordinal));

        var (vexit, vout, verr) = await FixtureMedium.RunAsync("media", "verify", _medium.Iso, "--key", key.PublicKey);
        Assert.True(vexit == 0, verr);
        Assert.Matches(@"^medium verified: \d+ files, signed by [0-9A-F]{16}\n", vout);
        Assert.Contains("boot partition: matches its signed digest", vout, StringComparison.Ordinal);
        Assert.Contains("SHA256SUMS matches, signed by", vout, StringComparison.Ordinal);
        Assert.DoesNotContain("WARNING", verr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sha256sums_check_with_the_standard_tools()
    {
        Assert.Equal(0, (await BuildAsync()).Exit);
        var outDir = Path.GetDirectoryName(_medium.Iso)!;
        Assert.Equal(0, Run("sha256sum", outDir, "-c", "SHA256SUMS").Exit);
        var keyring = Path.Combine(_medium.Dir, "key.gpg");
        Assert.Equal(0, Run("gpg", outDir, "--batch", "--yes", "--dearmor", "--output", keyring, key.PublicKey).Exit);
        var gpgv = Run("gpgv", outDir, "--keyring", keyring, "SHA256SUMS.asc", "SHA256SUMS");
        Assert.True(gpgv.Exit == 0, gpgv.Err);
    }

    [Fact]
    public async Task The_medium_holds_the_offline_repository_keys_and_description()
    {
        Assert.Equal(0, (await BuildAsync()).Exit);
        var tree = Path.Combine(_medium.Dir, "tree-" + Guid.NewGuid().ToString("N")[..6]);
        await IsoImage.ExtractAsync(_medium.Iso, tree, default);
        var info = JsonSerializer.Deserialize(File.ReadAllBytes(Path.Combine(tree, MediumLayout.Info)), MediumInfoJsonContext.Default.MediumInfo)!;
        Assert.Equal("KEEL_TEST", info.VolumeLabel);
        Assert.Equal(["minimal", "container-host", "developer-workstation"], info.Presets);
        Assert.Equal("x86_64", info.Arch);
        Assert.Contains(MediumLayout.SigningKey, info.RepositoryKeys);
        Assert.Equal(("fixture-online", "http://10.0.2.2:8080/repo/", 5), (info.Online!.Id, info.Online.Baseurl, info.Online.TimeoutSeconds));
        Assert.Equal(["keel/keys/online-RPM-GPG-KEY-keel-fixture"], info.Online.Gpgkeys);
        Assert.True(File.Exists(Path.Combine(tree, "keel/keys/online-RPM-GPG-KEY-keel-fixture")));

        // The offline repository: packages of all three presets (podman for container-host, gcc for the workstation),
        // comps groups carried over, repomd.xml signed with the medium key.
        var repo = Path.Combine(tree, MediumLayout.Repository);
        var packages = Directory.GetFiles(Path.Combine(repo, "Packages"), "*.rpm", SearchOption.AllDirectories).Select(Path.GetFileName).ToList();
        Assert.Contains(packages, p => p!.StartsWith("podman-5", StringComparison.Ordinal));
        Assert.Contains(packages, p => p!.StartsWith("gcc-", StringComparison.Ordinal));
        Assert.DoesNotContain(packages, p => p!.Contains(".aarch64.", StringComparison.Ordinal));
        var repomd = Path.Combine(repo, "repodata", "repomd.xml");
        Assert.Contains("type=\"group\"", File.ReadAllText(repomd), StringComparison.Ordinal);
        var medium = OpenPgpKeyRing.Load(Path.Combine(tree, MediumLayout.SigningKey));
        Assert.True(medium.VerifyDetached(File.ReadAllBytes(repomd), File.ReadAllBytes(repomd + ".asc")).IsValid);
        Assert.True(File.Exists(Path.Combine(tree, MediumLayout.KeysDirectory, "RPM-GPG-KEY-keel-fixture")));
        if (_medium.LiveRoot == "squashfs")
        {
            Assert.True(File.Exists(Path.Combine(tree, MediumLayout.SquashfsImage)));
        }

        // The ESP holds the UKI at the removable-media path and nothing else.
        var esp = Path.Combine(_medium.Dir, "esp-" + Guid.NewGuid().ToString("N")[..6] + ".img");
        IsoImage.ExtractEsp(_medium.Iso, esp);
        var listing = Run("mdir", _medium.Dir, "-i", esp, "-b", "-/", "::/");
        Assert.Equal("::/EFI/BOOT/BOOTX64.EFI", listing.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries).Single(l => l.EndsWith(".EFI", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Customize_adds_an_unsigned_config_and_keeps_the_signature()
    {
        Assert.Equal(0, (await BuildAsync()).Exit);
        var config = Path.Combine(_medium.Dir, "host.yaml");
        File.WriteAllText(config, "apiVersion: keel/v1\nkind: Machine\ndistribution: fixture\npreset: container-host\nhostname: unattended\n");
        var custom = Path.Combine(_medium.Dir, "custom.iso");
        var (exit, _, err) = await FixtureMedium.RunAsync("media", "customize", _medium.Iso, "--config", config, "--cmdline", "keel.autoinstall", "-o", custom);
        Assert.True(exit == 0, err);
        var (vexit, vout, verr) = await FixtureMedium.RunAsync("media", "verify", custom, "--key", key.PublicKey);
        Assert.True(vexit == 0, verr);
        Assert.Contains("unsigned customization: keel/custom/keel.yaml", vout, StringComparison.Ordinal);
        Assert.Contains("unsigned customization: keel/custom/cmdline", vout, StringComparison.Ordinal);
        Assert.Contains("boot partition: matches its signed digest", vout, StringComparison.Ordinal);

        // A config that is not a valid machine config is refused before any ISO is written.
        File.WriteAllText(config, "apiVersion: keel/v1\nkind: Machine\npreset: [\n");
        var bad = Path.Combine(_medium.Dir, "bad.iso");
        var (bexit, _, _) = await FixtureMedium.RunAsync("media", "customize", _medium.Iso, "--config", config, "-o", bad);
        Assert.NotEqual(0, bexit);
        Assert.False(File.Exists(bad));
    }

    [Fact]
    public async Task A_byte_changed_in_a_package_inside_the_iso_fails_verify_naming_it()
    {
        Assert.Equal(0, (await BuildAsync()).Exit);
        var copy = Path.Combine(_medium.Dir, "tampered", "installer.iso");
        Directory.CreateDirectory(Path.GetDirectoryName(copy)!);
        File.Copy(_medium.Iso, copy);
        var lba = Run("xorriso", _medium.Dir, "-indev", copy, "-find", "/repo/Packages/b", "-name", "bash-[0-9]*", "-exec", "report_lba", "--");
        var line = lba.Out.Split('\n').First(l => l.StartsWith("File data lba:", StringComparison.Ordinal));
        var fields = line["File data lba:".Length..].Split(',');
        long start = long.Parse(fields[1].Trim(), System.Globalization.CultureInfo.InvariantCulture);
        var path = fields[4].Trim().Trim('\'').TrimStart('/');
        await using (var fs = new FileStream(copy, FileMode.Open, FileAccess.ReadWrite))
        {
            fs.Position = (start * 2048) + 1000;
            int b = fs.ReadByte();
            fs.Position--;
            fs.WriteByte((byte)(b ^ 0x40));
        }

        var (exit, _, err) = await FixtureMedium.RunAsync("media", "verify", copy, "--key", key.PublicKey);
        Assert.Equal(1, exit);
        Assert.Contains($"keel: {path}: SHA-256", err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_changed_boot_partition_fails_verify()
    {
        Assert.Equal(0, (await BuildAsync()).Exit);
        var copy = Path.Combine(_medium.Dir, "esp-tampered", "installer.iso");
        Directory.CreateDirectory(Path.GetDirectoryName(copy)!);
        File.Copy(_medium.Iso, copy);
        var (offset, _) = IsoImage.FindEsp(copy);
        await using (var fs = new FileStream(copy, FileMode.Open, FileAccess.ReadWrite))
        {
            // Past the FAT boot sector, in the file data: the firmware would still load it.
            fs.Position = offset + (2L << 20);
            int b = fs.ReadByte();
            fs.Position--;
            fs.WriteByte((byte)(b ^ 0x01));
        }

        var (exit, _, err) = await FixtureMedium.RunAsync("media", "verify", copy, "--key", key.PublicKey);
        Assert.Equal(1, exit);
        Assert.Contains("EFI system partition (the boot image): SHA-256", err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_medium_boots_as_a_cd_and_as_a_usb_stick_to_the_live_system()
    {
        Assert.Equal(0, (await BuildAsync()).Exit);
        var cd = await BootAsync(["-cdrom", _medium.Iso], "cd");
        Assert.Contains("keel-installer login:", cd, StringComparison.Ordinal);
        if (_medium.LiveRoot == "squashfs")
        {
            Assert.Contains("live root verified", cd, StringComparison.Ordinal);
        }

        // A stick written byte for byte from the ISO: a copy, attached as USB storage (qemu writes to it).
        var stick = Path.Combine(_medium.Dir, "stick.img");
        File.Copy(_medium.Iso, stick, overwrite: true);
        var usb = await BootAsync(["-drive", $"if=none,id=stick,format=raw,file={stick}", "-device", "qemu-xhci", "-device", "usb-storage,drive=stick"], "usb");
        Assert.Contains("keel-installer login:", usb, StringComparison.Ordinal);
    }

    // Boots under qemu/OVMF with TCG in a 2 GiB guest until the login prompt (or 240 s) and returns the serial console.
    private async Task<string> BootAsync(string[] medium, string name)
    {
        var console = Path.Combine(_medium.Dir, $"console-{name}.log");
        var vars = Path.Combine(_medium.Dir, $"vars-{name}.fd");
        File.Copy("/usr/share/OVMF/OVMF_VARS_4M.fd", vars, overwrite: true);
        File.WriteAllText(console, "");
        var psi = new ProcessStartInfo("qemu-system-x86_64") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in (string[])["-machine", "q35", "-accel", "tcg", "-cpu", "max", "-m", "2048", "-display", "none", "-monitor", "none", "-nic", "none",
            "-serial", "file:" + console, "-drive", "if=pflash,format=raw,readonly=on,file=/usr/share/OVMF/OVMF_CODE_4M.fd",
            "-drive", $"if=pflash,format=raw,file={vars}", .. medium])
        {
            psi.ArgumentList.Add(a);
        }

        using var qemu = Process.Start(psi)!;
        var clock = Stopwatch.StartNew();
        try
        {
            while (clock.Elapsed < TimeSpan.FromSeconds(240) && !qemu.HasExited)
            {
                await Task.Delay(500);
                if (File.ReadAllText(console).Contains("login:", StringComparison.Ordinal))
                {
                    break;
                }
            }
        }
        finally
        {
            if (!qemu.HasExited)
            {
                qemu.Kill(entireProcessTree: true);
            }

            await qemu.WaitForExitAsync();
        }

        return File.ReadAllText(console);
    }

    private async Task<(int Exit, string Out, string Err)> BuildAsync()
    {
        await _medium.Once.WaitAsync();
        try
        {
            if (_medium.Result == default)
            {
                Directory.CreateDirectory(Path.GetDirectoryName(_medium.Iso)!);
                var doc = FixtureMedium.Write(_medium.Dir, liveRoot: _medium.LiveRoot,
                    extra: $"online: {{id: fixture-online, baseurl: 'http://10.0.2.2:8080/repo/', gpgkeys: ['{key.PublicKey}'], timeout: 5}}");
                _medium.Result = await FixtureMedium.RunAsync("media", "build", doc, "-o", _medium.Iso, "--signing-key", FixtureSigningKey.KeySpec, "--progress", "plain");
            }

            return _medium.Result;
        }
        finally
        {
            _medium.Once.Release();
        }
    }

    private static (int Exit, string Out, string Err) Run(string tool, string directory, params string[] args)
    {
        var psi = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = directory };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        using var p = Process.Start(psi)!;
        var err = p.StandardError.ReadToEndAsync();
        var output = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        return (p.ExitCode, output, err.Result);
    }
}
