using System.Security.Cryptography;
using Keel.Cli;
using Keel.Tests;
using Xunit.Abstractions;

namespace Keel.EndToEnd.Tests;

/// <summary>
/// Issue 9's proof: the fixture's installer medium, customized with an unattended config, boots under qemu/OVMF (TCG),
/// checks itself, installs the Container Host preset onto the one blank disk its selector matches (never the data disk,
/// never the medium) and powers off; the disk then boots alone. The medium carries last month's snapshot (openssh
/// 9.6p1); the full fixture repository, served on loopback and reached through qemu's restricted user network, plays the
/// online repository with the update (9.8p1).
/// </summary>
[Collection(InstallerMediumCollection.Name)]
public sealed class InstallerMediumTests(InstallerMediumFixture medium, ITestOutputHelper output) : IDisposable
{
    private readonly string _work = EndToEnd.Scratch("medium-run");

    public void Dispose() => EndToEnd.DeleteQuietly(_work);

    [Fact]
    public async Task Offline_unattended_install_from_the_cdrom_leaves_the_data_disk_alone_and_the_disk_boots_by_itself()
    {
        var blank = Sparse("blank.raw", 4L << 30);
        var data = medium.DataDisk(_work);
        var dataBefore = Sha256(data);

        var (exit, console) = await Vm(["--cdrom", medium.CustomIso, "--disk", blank, "--disk", data]);
        Assert.True(exit == 0, EndToEnd.Tail(console));
        Assert.Matches(@"medium verified: \d+ files, signed by [0-9A-Fa-f]{16}", console);
        Assert.Contains("using the medium's repository", console, StringComparison.Ordinal);
        Assert.Contains(InstallerMediumFixture.InstallFinished, console, StringComparison.Ordinal);
        var fingerprint = System.Text.RegularExpressions.Regex.Match(console, @"ssh host keys: ED25519 (SHA256:\S+?),");
        Assert.True(fingerprint.Success, "no host key fingerprints after the install");
        Assert.Contains("powering off", console, StringComparison.Ordinal);
        Assert.Equal(dataBefore, Sha256(data));

        // The boot script's report comes before the getty prints the banner; agetty shows /etc/issue, then the
        // /etc/issue.d files, then the login prompt, which the run waits for.
        var (bootExit, booted) = await Vm([blank, "--expect", "medium-installed login:"]);
        Assert.True(bootExit == 0, EndToEnd.Tail(booted));
        Assert.Contains(BootedImageTests.Banner, booted, StringComparison.Ordinal);
        Assert.Contains("KEEL-HOSTNAME medium-installed", booted, StringComparison.Ordinal);
        Assert.Matches(@"KEEL-USER alice:x:1000:", booted);
        Assert.Contains("KEEL-SSHD openssh-server-9.6p1", booted, StringComparison.Ordinal);
        Assert.Contains(InstallerMediumFixture.ReportEnd, booted, StringComparison.Ordinal);
        // The same key the installer announced is shown before the login prompt (/etc/issue.d).
        Assert.Contains(fingerprint.Groups[1].Value, booted, StringComparison.Ordinal);
    }

    [Fact]
    public async Task From_a_usb_stick_with_the_online_repository_reachable_the_newer_package_is_installed()
    {
        var blank = Sparse("blank.raw", 4L << 30);
        using var online = new StaticFileServer(TestPaths.FixtureRepo);
        var port = online.Port;
        var (exit, console) = await Vm(["--usb", medium.CustomIso, "--disk", blank, "--guestfwd", $"10.0.2.100:80=127.0.0.1:{port}"]);
        Assert.True(exit == 0, EndToEnd.Tail(console));
        Assert.Matches(@"medium verified: \d+ files, signed by [0-9A-Fa-f]{16}", console);
        Assert.Contains("using the online repository http://10.0.2.100/", console, StringComparison.Ordinal);
        Assert.Contains(InstallerMediumFixture.InstallFinished, console, StringComparison.Ordinal);
        Assert.Contains(online.Log, l => l.Contains("openssh-server-9.8p1", StringComparison.Ordinal));
        Assert.Equal("openssh-server-9.8p1-1.azl4.x86_64", InstalledPackage(blank, "openssh-server"));
    }

    [Fact]
    public async Task A_changed_byte_in_a_package_stops_the_medium_before_it_writes_and_verify_names_the_file()
    {
        var tampered = Path.Combine(_work, "tampered.iso");
        var victim = medium.FlipOneByteOfAPackage(tampered);
        var blank = Sparse("blank.raw", 4L << 30);

        // The line after the failure, so the failure line is on the console whole when the machine is stopped.
        var (exit, console) = await Vm(["--cdrom", tampered, "--disk", blank, "--expect", "nothing was written to any disk"]);
        Assert.True(exit == 0, EndToEnd.Tail(console));
        Assert.Contains($"medium verification FAILED: {victim}", console, StringComparison.Ordinal);
        Assert.DoesNotContain("medium verified:", console, StringComparison.Ordinal);
        Assert.True(AllZero(blank), "the target disk was written although the medium failed its check");

        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var verify = await KeelCli.RunAsync(["media", "verify", tampered, "--key", medium.PublicKey], stdout, stderr);
        Assert.NotEqual(0, verify);
        Assert.Contains(victim, stderr.ToString(), StringComparison.Ordinal);
    }

    private async Task<(int Exit, string Console)> Vm(string[] arguments)
    {
        var console = new StringWriter();
        var stderr = new StringWriter();
        var exit = await KeelCli.RunAsync(["vm", "run", .. arguments, "--memory", "2048", "--timeout", "900"], console, stderr);
        var text = console.ToString().ReplaceLineEndings("\n");
        output.WriteLine(text);
        output.WriteLine(stderr.ToString());
        return (exit, text + stderr);
    }

    private string Sparse(string name, long size)
    {
        var path = Path.Combine(_work, name);
        using var f = File.Create(path);
        f.SetLength(size);
        return path;
    }

    private static string Sha256(string path)
    {
        using var f = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(f));
    }

    private static bool AllZero(string path)
    {
        using var f = File.OpenRead(path);
        var buffer = new byte[1 << 20];
        int n;
        while ((n = f.Read(buffer)) > 0)
        {
            if (buffer.AsSpan(0, n).ContainsAnyExcept((byte)0))
            {
                return false;
            }
        }

        return true;
    }

    // The installed rpmdb, read with the host's rpm from the root partition mounted read-only through a loop device.
    private string InstalledPackage(string disk, string name)
    {
        var loop = SnapshotRepository.Run("losetup", "--find", "--show", "--partscan", "--read-only", disk).Trim();
        var mount = Path.Combine(_work, "mnt");
        Directory.CreateDirectory(mount);
        try
        {
            // Without udev the partition nodes appear only once partx has told the kernel about them again.
            SnapshotRepository.Run("partx", "-u", loop);

            SnapshotRepository.Run("mount", "-o", "ro", loop + "p2", mount);
            try
            {
                // rpm opens its sqlite database for writing, so it reads a copy of the read-only mount's.
                var db = Path.Combine(_work, "rpmdb");
                Directory.CreateDirectory(db);
                foreach (var file in Directory.EnumerateFiles(Path.Combine(mount, "usr", "lib", "sysimage", "rpm")))
                {
                    File.Copy(file, Path.Combine(db, Path.GetFileName(file)));
                }

                return SnapshotRepository.Run("rpm", "--dbpath", db, "-q", name).Trim();
            }
            finally
            {
                SnapshotRepository.Run("umount", mount);
            }
        }
        finally
        {
            SnapshotRepository.Run("losetup", "-d", loop);
        }
    }
}

/// <summary>The E2E tests that share the installer medium fixture.</summary>
[CollectionDefinition(Name)]
public sealed class InstallerMediumCollection : ICollectionFixture<InstallerMediumFixture>
{
    public const string Name = "installer medium";
}
