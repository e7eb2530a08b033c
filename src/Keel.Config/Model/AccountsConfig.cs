namespace Keel.Config.Model;

/// <summary>A user account on the machine (also used to give root keys or a password).</summary>
public sealed class UserConfig
{
    [ConfigRequired]
    public string Name { get; set; } = "";

    /// <summary>A crypt(3) hash, e.g. from `openssl passwd -6`.</summary>
    public string? PasswordHash { get; set; }

    /// <summary>Locks the password; the account can still log in with SSH keys.</summary>
    public bool Locked { get; set; }

    /// <summary>Supplementary groups.</summary>
    public List<string> Groups { get; set; } = [];

    /// <summary>Adds the user to wheel, which may use sudo.</summary>
    public bool Sudo { get; set; }

    public List<string> SshAuthorizedKeys { get; set; } = [];

    /// <summary>Null: the next free uid from 1000.</summary>
    public int? Uid { get; set; }

    public string Shell { get; set; } = "/bin/bash";
}

/// <summary>A group created on the machine.</summary>
public sealed class GroupConfig
{
    [ConfigRequired]
    public string Name { get; set; } = "";

    /// <summary>Null: the next free gid from 1000.</summary>
    public int? Gid { get; set; }
}

/// <summary>OpenSSH server settings.</summary>
public sealed class SshConfig
{
    public PermitRootLogin PermitRootLogin { get; set; } = PermitRootLogin.ProhibitPassword;

    public bool PasswordAuthentication { get; set; }

    /// <summary>Null: at install for `keel install`, at first boot for images from `keel build` (so every machine has its own).</summary>
    public HostKeyGeneration? HostKeys { get; set; }
}

/// <summary>systemd units to enable or disable beyond the distribution's presets.</summary>
public sealed class ServicesConfig
{
    public List<string> Enable { get; set; } = [];

    public List<string> Disable { get; set; } = [];
}

/// <summary>A file written into the machine.</summary>
public sealed class FileConfig
{
    [ConfigRequired]
    public string Path { get; set; } = "";

    public string Content { get; set; } = "";

    /// <summary>Octal permission bits.</summary>
    public string Mode { get; set; } = "0644";

    /// <summary>USER[:GROUP].</summary>
    public string Owner { get; set; } = "root:root";
}
