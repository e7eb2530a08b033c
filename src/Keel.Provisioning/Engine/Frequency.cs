namespace Keel.Provisioning.Engine;

/// <summary>cloud-init's module frequencies.</summary>
public enum Frequency
{
    /// <summary>Once per instance-id; a new instance-id runs it again.</summary>
    PerInstance,

    /// <summary>Once per boot (boot id).</summary>
    PerBoot,

    /// <summary>Once for the life of the root, whatever the instance.</summary>
    Once,

    /// <summary>Every run.</summary>
    Always,
}

/// <summary>The boot stage a module runs in (cloud-init's init, config and final stages).</summary>
public enum Stage
{
    /// <summary>Early: files, hostname, users — before sshd and logins.</summary>
    Init,

    /// <summary>Settings: locale, timezone, recording runcmd.</summary>
    Config,

    /// <summary>Late: deferred files, user scripts, final message.</summary>
    Final,
}
