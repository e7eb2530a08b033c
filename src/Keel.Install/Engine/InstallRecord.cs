namespace Keel.Install.Engine;

/// <summary>One SSH host key of the installed machine: its type as ssh-keygen names it (ED25519, ECDSA, RSA) and its SHA-256 fingerprint.</summary>
public sealed record HostKeyFingerprint(string Type, string Fingerprint)
{
    /// <summary>"ED25519 SHA256:...", as the console and the pre-login text show it.</summary>
    public override string ToString() => $"{Type} {Fingerprint}";
}

/// <summary>
/// What the live installer leaves in the machine it installs, written by the install.record step into the staging tree
/// before the filesystems are made from it: the config used (already stripped of secrets by the caller), the install log
/// so far, and the SSH host key fingerprints as pre-login console text. The step also hands the fingerprints back here.
/// </summary>
public sealed class InstallRecord
{
    /// <summary>Where the config used goes (0600: it names users and disks, even without secrets).</summary>
    public const string ConfigPath = "/root/keel-install.yaml";

    /// <summary>Where the install log goes.</summary>
    public const string LogPath = "/var/log/keel/install.log";

    /// <summary>The pre-login text with the host key fingerprints (agetty shows /etc/issue.d/*.issue).</summary>
    public const string IssuePath = "/etc/issue.d/keel-ssh-host-keys.issue";

    /// <summary>The config's YAML text as it is to be saved, secrets already removed.</summary>
    public required string ConfigText { get; init; }

    /// <summary>The install log up to the moment it is asked for (events as JSON lines, tool output).</summary>
    public required Func<string> Log { get; init; }

    /// <summary>The host key fingerprints install.record found in the machine; empty until it ran, or when keys are made on first boot.</summary>
    public IReadOnlyList<HostKeyFingerprint> HostKeys { get; internal set; } = [];
}
