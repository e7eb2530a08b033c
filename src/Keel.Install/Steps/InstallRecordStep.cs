using System.Security.Cryptography;
using System.Text;
using Keel.Install.Engine;
using Keel.TargetSystem;
using Keel.TargetSystem.Ssh;

namespace Keel.Install.Steps;

/// <summary>
/// install.record (live installer only): the config used, the install log and the SSH host key fingerprints written into
/// the staging tree. It runs after boot.install and before storage.partition because the filesystems are made from the
/// tree afterwards: anything written later would never reach the disk. Every write goes through <see cref="NoFollow"/>,
/// since the tree holds links the packages made.
/// </summary>
public sealed class InstallRecordStep() : SynchronousStep("install.record", "Record the install in the machine")
{
    public override bool AppliesTo(PlanningContext plan) => plan.Record is not null;

    public override IEnumerable<string> Details(PlanningContext plan) =>
    [
        $"the config used, without secrets, in {InstallRecord.ConfigPath} (0600)",
        $"the install log in {InstallRecord.LogPath} (the steps after this one are logged on the live system only)",
        $"the SSH host key fingerprints in {InstallRecord.IssuePath} (shown before the login prompt)",
    ];

    protected override string Apply(InstallRun run)
    {
        var record = run.Options.Record ?? throw new InvalidOperationException("install.record runs only with an install record");
        var root = run.Root;

        // /root is 0550 on Fedora-like systems (the filesystem package makes it); only made here when a package did not.
        if (NoFollow.Stat(root, "/root") is null)
        {
            NoFollow.EnsureDirectory(root, "/root", (UnixFileMode)0x168, 0, 0); // 0550
        }

        NoFollow.WriteText(root, InstallRecord.ConfigPath, record.ConfigText, (UnixFileMode)0x180, 0, 0); // 0600
        NoFollow.EnsureDirectory(root, "/var/log/keel", (UnixFileMode)0x1C0, 0, 0); // 0700
        NoFollow.WriteText(root, InstallRecord.LogPath, record.Log(), (UnixFileMode)0x180, 0, 0);

        var keys = HostKeys(root);
        record.HostKeys = keys;
        if (keys.Count == 0)
        {
            return $"wrote {InstallRecord.ConfigPath} and {InstallRecord.LogPath}; no SSH host keys yet (made on first boot)";
        }

        if (NoFollow.Stat(root, "/etc/issue.d") is null)
        {
            NoFollow.EnsureDirectory(root, "/etc/issue.d", (UnixFileMode)0x1ED, 0, 0); // 0755
        }

        var issue = new StringBuilder("SSH host key fingerprints of this machine:\n");
        foreach (var key in keys)
        {
            issue.Append("  ").Append(key).Append('\n');
        }

        NoFollow.WriteText(root, InstallRecord.IssuePath, issue.Append('\n').ToString(), (UnixFileMode)0x1A4, 0, 0); // 0644
        return $"wrote {InstallRecord.ConfigPath}, {InstallRecord.LogPath} and {InstallRecord.IssuePath}: {string.Join(", ", keys)}";
    }

    /// <summary>The fingerprints of every /etc/ssh/ssh_host_*_key.pub in the root, in ssh-keygen's order of types.</summary>
    public static IReadOnlyList<HostKeyFingerprint> HostKeys(TargetRoot root)
    {
        var result = new List<HostKeyFingerprint>();
        foreach (var type in (string[])["ed25519", "ecdsa", "rsa"])
        {
            var path = SshHostKeys.PrivateKeyPath(type) + ".pub";
            if (NoFollow.IsRegularFile(root, path) && NoFollow.ReadAllTextOrNull(root, path) is { } text && Fingerprint(text) is { } fingerprint)
            {
                result.Add(new HostKeyFingerprint(type.ToUpperInvariant(), fingerprint));
            }
        }

        return result;
    }

    /// <summary>"SHA256:..." of an OpenSSH public key line ("TYPE BASE64 [comment]"), as ssh-keygen -l prints it; null when malformed.</summary>
    public static string? Fingerprint(string publicKeyLine)
    {
        var fields = publicKeyLine.Split((char[])[' ', '\t', '\n', '\r'], StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length < 2)
        {
            return null;
        }

        var blob = new byte[fields[1].Length];
        if (!Convert.TryFromBase64String(fields[1], blob, out int length))
        {
            return null;
        }

        // ssh-keygen prints the digest in base64 without padding.
        return "SHA256:" + Convert.ToBase64String(SHA256.HashData(blob.AsSpan(0, length))).TrimEnd('=');
    }
}
