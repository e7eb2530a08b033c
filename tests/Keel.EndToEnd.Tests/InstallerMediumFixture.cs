using System.Globalization;
using System.Text.RegularExpressions;
using Keel.Cli;
using Keel.Tests;

namespace Keel.EndToEnd.Tests;

/// <summary>
/// Builds, once for the installer-medium tests, the fixture's medium from a snapshot of the fixture repository (without
/// openssh 9.8p1), signed with the fixture's key, and a copy customized with an unattended config.
/// </summary>
public sealed partial class InstallerMediumFixture : IDisposable
{
    /// <summary>The installer's last line before it powers the machine off.</summary>
    public const string InstallFinished = "install finished";

    /// <summary>The installed machine's boot script prints this after its report.</summary>
    public const string ReportEnd = "KEEL-REPORT-END";

    private readonly string _work = EndToEnd.Scratch("medium");

    public InstallerMediumFixture()
    {
        var snapshot = Path.Combine(_work, "snapshot");
        SnapshotRepository.Create(snapshot, name => name.StartsWith("openssh", StringComparison.Ordinal) && name.Contains("-9.8p1-", StringComparison.Ordinal));
        var agentRepo = EndToEnd.AgentRepository();

        var mediumConfig = Path.Combine(_work, "installer.yaml");
        File.WriteAllText(mediumConfig, $"""
            apiVersion: keel/v1
            kind: Medium
            distribution: fixture
            name: Keel fixture 4.0 (e2e)
            volumeLabel: KEEL_E2E
            presets: [minimal, container-host]
            repositories:
              - id: keel-fixture
                path: {snapshot}
                gpgkeys: [{snapshot}/RPM-GPG-KEY-keel-fixture]
                repoGpgcheck: true
            online:
              id: keel-fixture-online
              baseurl: http://10.0.2.100/
              timeout: 10
            live:
              repositories:
                - id: keel-packages
                  path: {agentRepo}
                  gpgcheck: false
              kernelCommandLine: console=ttyS0
            seed: e2e-medium

            """);

        var unattended = Path.Combine(_work, "keel.yaml");
        File.WriteAllText(unattended, $"""
            apiVersion: keel/v1
            kind: Machine
            distribution: fixture
            preset: container-host
            hostname: medium-installed
            kernelCommandLine: console=ttyS0
            selinux: permissive
            storage:
              disk:
                empty: true
                transport: virtio
            users:
              - name: alice
                groups: [wheel]
                sshAuthorizedKeys:
                  - ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIKeelMediumE2eKeyKeelMediumE2eKeyKeelMed alice@e2e
            install:
              confirm: false
              after: poweroff
            files:
              - path: /etc/rc.d/boot.d/50-e2e-report
                mode: "0755"
                content: |
                  #!/bin/sh
                  echo "KEEL-HOSTNAME $(hostname)"
                  echo "KEEL-USER $(grep '^alice:' /etc/passwd)"
                  echo "KEEL-SSHD $(rpm -q openssh-server)"
                  echo {ReportEnd}

            """);

        using var key = FixtureSigningKey.Open();
        PublicKey = Path.Combine(_work, "medium-key.asc");
        key.Run("--armor", "--output", PublicKey, "--export", key.Fingerprint);
        Iso = Path.Combine(_work, "installer.iso");
        // The fixture's own gpg home, given as an option: GNUPGHOME is process-wide, and other end-to-end classes run beside this one.
        Keel(["media", "build", mediumConfig, "-o", Iso, "--signing-key", key.Fingerprint, "--gnupg-home", key.Home, "--progress", "plain"]);

        CustomIso = Path.Combine(_work, "custom.iso");
        Keel(["media", "customize", Iso, "--config", unattended, "-o", CustomIso]);
    }

    /// <summary>The medium as built.</summary>
    public string Iso { get; }

    /// <summary>The medium with the unattended config embedded.</summary>
    public string CustomIso { get; }

    /// <summary>The armored public key that signed the medium.</summary>
    public string PublicKey { get; }

    /// <summary>A 64 MiB disk holding an ext4 filesystem with files: it has a signature, so an `empty: true` selector must pass it by.</summary>
    public string DataDisk(string directory)
    {
        var content = Path.Combine(directory, "data-content");
        Directory.CreateDirectory(content);
        var random = new Random(9);
        for (int i = 0; i < 8; i++)
        {
            var bytes = new byte[1 << 20];
            random.NextBytes(bytes);
            File.WriteAllBytes(Path.Combine(content, $"payload-{i}.bin"), bytes);
        }

        var disk = Path.Combine(directory, "data.raw");
        SnapshotRepository.Run("mkfs.ext4", "-q", "-F", "-L", "DATA", "-d", content, disk, "64M");
        return disk;
    }

    /// <summary>Copies the customized medium to <paramref name="destination"/> with one byte of one package file changed; returns that file's path on the medium.</summary>
    public string FlipOneByteOfAPackage(string destination)
    {
        File.Copy(CustomIso, destination);
        // xorriso reports where each file's data starts (in 2048-byte blocks), so the byte is changed inside the ISO
        // exactly as a bad copy or an attacker would, without rebuilding anything.
        var report = SnapshotRepository.Run("xorriso", "-indev", destination, "-find", "/repo/Packages", "-name", "bash-*.rpm", "-exec", "report_lba", "--");
        var match = LbaLine().Match(report);
        Assert.True(match.Success, "xorriso did not report the package's block: " + report);
        long offset = long.Parse(match.Groups["lba"].Value, CultureInfo.InvariantCulture) * 2048 + 4096;
        using (var iso = new FileStream(destination, FileMode.Open, FileAccess.ReadWrite))
        {
            iso.Position = offset;
            int b = iso.ReadByte();
            iso.Position = offset;
            iso.WriteByte((byte)(b ^ 0x01));
        }

        return match.Groups["path"].Value.Trim('\'', '/');
    }

    public void Dispose() => EndToEnd.DeleteQuietly(_work);

    private static void Keel(string[] arguments)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var exit = KeelCli.RunAsync(arguments, stdout, stderr).GetAwaiter().GetResult();
        Assert.True(exit == 0, $"keel {string.Join(' ', arguments)}: exit {exit}\n{stdout}\n{stderr}");
    }

    // "Report layout: xt , Startlba ,   Blocks , Filesize , ISO image path"
    // "File data lba:  0 ,     1234 ,       56 ,   114688 , '/repo/Packages/b/bash-5.2.37-2.azl4.x86_64.rpm'"
    [GeneratedRegex(@"File data lba:\s*\d+\s*,\s*(?<lba>\d+)\s*,\s*\d+\s*,\s*\d+\s*,\s*(?<path>'[^']+')")]
    private static partial Regex LbaLine();
}
