using System.Diagnostics;
using Keel.Install.Engine;
using Keel.Tests;
using Xunit.Abstractions;

namespace Keel.Installer.Tests;

/// <summary>
/// `keel installer` end to end on this host, as root: a medium directory whose repository is a copy of the fixture
/// repository, signed by the fixture distribution's key; a config selecting a loop device by its size; keel.autoinstall.
/// The installed root is mounted read-only afterwards and the record files read back.
/// </summary>
public sealed class RealInstallTests(ITestOutputHelper console) : IDisposable
{
    private readonly string _state = Directory.CreateTempSubdirectory("keel-installer-real").FullName;

    public void Dispose() => Directory.Delete(_state, true);

    [Fact]
    public async Task Installs_the_container_host_preset_onto_the_selected_loop_device_and_records_it()
    {
        using var signer = TestSigner.Fixture(TestPaths.FixtureRepo);
        using var medium = new TestMedium(TestMedium.Info(keyId: signer.KeyId[^16..]), TestPaths.FixtureRepo);
        medium.Sign(signer);
        medium.Customize("keel/custom/keel.yaml", $"""
            apiVersion: keel/v1
            kind: Machine
            distribution: fixture
            preset: container-host
            hostname: live-installed
            kernelCommandLine: console=ttyS0
            storage:
              disk: {"{"}transport: loop, minSize: 3091MiB, maxSize: 3091MiB{"}"}
            users:
              - name: admin
                passwordHash: "{ConfigRedactionTests.Hash}"
                sshAuthorizedKeys: ["{ConfigRedactionTests.SshKey}"]
            install:
              after: poweroff
            """);
        var cmdline = Path.Combine(_state, "cmdline");
        File.WriteAllText(cmdline, "BOOT_IMAGE=/vmlinuz root=live:CDLABEL=KEEL_FIXTURE keel.autoinstall\n");
        using var loop = new LoopDevice(Path.Combine(_state, "disk"), 3091L << 20);

        var power = new RecordingPower();
        var (exit, text) = await RunInstallerAsync(medium.Root, signer.PublicKeyFile, cmdline, power, allowPowerActions: true);
        Assert.True(exit == 0, text);

        Assert.Matches(@"medium verified: \d+ files, signed by " + signer.KeyId[^16..] + "\n", text);
        Assert.Contains("no online repository configured: using the medium's repository", text, StringComparison.Ordinal);
        Assert.Contains($"installing onto {loop.Device} without a question (keel.autoinstall)", text, StringComparison.Ordinal);
        Assert.Contains($"install finished: 55 packages onto {loop.Device} (from the medium's repository); it boots with: root=UUID=", text, StringComparison.Ordinal);
        var keysLine = text.Split('\n').Single(l => l.StartsWith(LiveInstaller.HostKeysPrefix, StringComparison.Ordinal));
        Assert.Matches(@"^ssh host keys: ED25519 SHA256:[A-Za-z0-9+/]{43}, ECDSA SHA256:[A-Za-z0-9+/]{43}, RSA SHA256:[A-Za-z0-9+/]{43}$", keysLine);
        Assert.Equal(["poweroff"], power.Actions);

        // The live system's log has every step, the partitioning after install.record included.
        var liveLog = File.ReadAllText(Path.Combine(_state, "install.log"));
        Assert.Contains("\"step\":\"storage.format\"", liveLog, StringComparison.Ordinal);

        var root = Path.Combine(_state, "root");
        var partition = RootPartition(loop, root);
        try
        {
            var saved = Path.Combine(root, "root", "keel-install.yaml");
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(saved));
            var config = File.ReadAllText(saved);
            Assert.DoesNotContain("$6$", config, StringComparison.Ordinal);
            Assert.Contains(ConfigRedactionTests.SshKey, config, StringComparison.Ordinal);
            Assert.Contains("users[admin].passwordHash", config, StringComparison.Ordinal);
            Assert.Contains("live-installed", config, StringComparison.Ordinal);

            var log = File.ReadAllText(Path.Combine(root, "var", "log", "keel", "install.log"));
            Assert.Contains("\"type\":\"step-finished\",\"step\":\"packages.install\"", log, StringComparison.Ordinal);
            Assert.Contains("medium verified: ", log, StringComparison.Ordinal);
            Assert.DoesNotContain("$6$", log, StringComparison.Ordinal);

            var issue = File.ReadAllText(Path.Combine(root, "etc", "issue.d", "keel-ssh-host-keys.issue"));
            foreach (var key in keysLine[LiveInstaller.HostKeysPrefix.Length..].Split(", "))
            {
                Assert.Contains("  " + key + "\n", issue, StringComparison.Ordinal);
            }

            // The fingerprints are those of the keys on the disk.
            var ed25519 = File.ReadAllText(Path.Combine(root, "etc", "ssh", "ssh_host_ed25519_key.pub"));
            Assert.Contains("ED25519 " + Keel.Install.Steps.InstallRecordStep.Fingerprint(ed25519), keysLine, StringComparison.Ordinal);
            Assert.Equal("live-installed", File.ReadAllText(Path.Combine(root, "etc", "hostname")).Trim());
        }
        finally
        {
            LoopDevice.Run("umount", root);
        }

        Assert.NotNull(partition);
    }

    // Mounts the partition holding /etc/os-release read-only (noload: no journal replay, nothing written).
    // The live installer on this host, with the console captured and printed to the test output.
    private async Task<(int Exit, string Text)> RunInstallerAsync(string medium, string key, string cmdline, RecordingPower power, bool? allowPowerActions)
    {
        var output = new StringWriter();
        var options = new InstallerOptions
        {
            MediumDirectory = medium,
            KeyFile = key,
            CommandLineFile = cmdline,
            StateDirectory = _state,
            EfiVariables = Path.Combine(_state, "no-efivars"),
            AllowPowerActions = allowPowerActions,
        };
        var exit = await new LiveInstaller(options, new InstallerHost(TextWriter.Synchronized(output), new StringReader(""), new HostSystemAccess(), power)).RunAsync(default);
        var text = output.ToString();
        console.WriteLine(text);
        return (exit, text);
    }

    private static string? RootPartition(LoopDevice loop, string mountPoint)
    {
        Directory.CreateDirectory(mountPoint);
        LoopDevice.Run("partx", "-u", loop.Device);
        for (int n = 1; n <= 4; n++)
        {
            var part = loop.Partition(n);
            if (!File.Exists(part) && !Path.Exists(part))
            {
                continue;
            }

            using var p = Process.Start(new ProcessStartInfo("mount", ["-o", "ro,noload", "-t", "ext4", part, mountPoint]) { RedirectStandardError = true })!;
            p.StandardError.ReadToEnd();
            p.WaitForExit();
            if (p.ExitCode != 0)
            {
                continue;
            }

            if (File.Exists(Path.Combine(mountPoint, "etc", "os-release")) || Path.Exists(Path.Combine(mountPoint, "etc", "os-release")))
            {
                return part;
            }

            LoopDevice.Run("umount", mountPoint);
        }

        Assert.Fail($"no partition of {loop.Device} holds the installed root");
        return null;
    }

    [Fact]
    public async Task With_the_online_repository_answering_the_install_reads_it_first()
    {
        using var signer = TestSigner.Fixture(TestPaths.FixtureRepo);
        using var server = TestHttpServer.Serving(TestPaths.FixtureRepo, "repo");
        using var medium = new TestMedium(TestMedium.Info(server.Url + "/repo", signer.KeyId[^16..]), TestPaths.FixtureRepo);
        medium.Sign(signer);
        medium.Customize("keel/custom/keel.yaml", """
            apiVersion: keel/v1
            kind: Machine
            distribution: fixture
            preset: minimal
            storage:
              disk: {transport: loop, minSize: 3093MiB, maxSize: 3093MiB}
            repositories:
              - id: from-the-config
                path: /nonexistent
                gpgcheck: false
            install:
              confirm: false
              after: reboot
            """);
        var cmdline = Path.Combine(_state, "cmdline");
        File.WriteAllText(cmdline, "quiet\n");
        using var loop = new LoopDevice(Path.Combine(_state, "disk"), 3093L << 20);
        var power = new RecordingPower();
        var (exit, text) = await RunInstallerAsync(medium.Root, signer.PublicKeyFile, cmdline, power, allowPowerActions: null);
        Assert.True(exit == 0, text);
        Assert.Contains($"using the online repository {server.Url}/repo (the medium's online repository); the medium's repository is the fallback", text, StringComparison.Ordinal);
        Assert.Contains("the config's own repositories (from-the-config) are replaced by these", text, StringComparison.Ordinal);
        Assert.Contains($"repository keel-fixture-online: {server.Url}/repo (gpgcheck on, priority 10)", text, StringComparison.Ordinal);
        Assert.Contains($"installing onto {loop.Device} without a question (install.confirm: false)", text, StringComparison.Ordinal);
        // --medium means a development host: the config's reboot is said, not done.
        Assert.Contains("install.after: reboot not done: keel runs outside the live environment (--medium was given)", text, StringComparison.Ordinal);
        Assert.Empty(power.Actions);

        // The online repository's metadata was read (packages may come from Keel's checksum-keyed cache).
        Assert.Contains("/repo/repodata/repomd.xml", server.Requests);
        Assert.Contains(server.Requests, r => r.StartsWith("/repo/repodata/", StringComparison.Ordinal) && !r.EndsWith("/repomd.xml", StringComparison.Ordinal));
        Assert.Contains($"install finished: 36 packages onto {loop.Device} (from the online repository {server.Url}/repo)", text, StringComparison.Ordinal);
        Assert.Contains("using the online repository", File.ReadAllText(Path.Combine(_state, "install.log")), StringComparison.Ordinal);
    }

    [Fact]
    public void The_record_paths_are_the_documented_ones()
    {
        Assert.Equal("/root/keel-install.yaml", InstallRecord.ConfigPath);
        Assert.Equal("/var/log/keel/install.log", InstallRecord.LogPath);
        Assert.Equal("/etc/issue.d/keel-ssh-host-keys.issue", InstallRecord.IssuePath);
    }
}
