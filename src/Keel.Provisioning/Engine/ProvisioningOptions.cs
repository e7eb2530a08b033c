namespace Keel.Provisioning.Engine;

/// <summary>How a provisioning run behaves.</summary>
public sealed record ProvisioningOptions
{
    /// <summary>The stages to run, in order.</summary>
    public IReadOnlyList<Stage> Stages { get; init; } = [Stage.Init, Stage.Config, Stage.Final];

    /// <summary>Run bootcmd/runcmd/scripts inside a root other than "/" with chroot.</summary>
    public bool ExecuteInRoot { get; init; }

    /// <summary>The current boot's id (per-boot frequency); defaults to the kernel's boot_id.</summary>
    public string BootId { get; init; } = ReadBootId();

    /// <summary>The time stamps and shadow dates use.</summary>
    public DateTimeOffset Now { get; init; } = DateTimeOffset.UtcNow;

    /// <summary>cloud-init's schema, for runtime warnings; null skips validation.</summary>
    public Schema.CloudConfigSchema? Schema { get; init; }

    /// <summary>
    /// All or nothing: a key or option keel-agent does not apply is an error and no module runs (also set by
    /// <c>keel_agent: {strict: true}</c> in the config).
    /// </summary>
    public bool Strict { get; init; }

    /// <summary>Fetches #include URLs; null uses file:// and loopback only.</summary>
    public UserData.IIncludeFetcher? IncludeFetcher { get; init; }

    /// <summary>Longest a single script or command may run.</summary>
    public TimeSpan ScriptTimeout { get; init; } = TimeSpan.FromMinutes(30);

    /// <summary>Pause between phone_home attempts (cloud-init waits 3 s).</summary>
    public TimeSpan PhoneHomeRetryDelay { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>Longest one phone_home POST may take.</summary>
    public TimeSpan PhoneHomeTimeout { get; init; } = TimeSpan.FromSeconds(30);

    private static string ReadBootId()
    {
        try
        {
            return File.ReadAllText("/proc/sys/kernel/random/boot_id").Trim();
        }
        catch (IOException)
        {
            return "unknown-boot";
        }
        catch (UnauthorizedAccessException)
        {
            return "unknown-boot";
        }
    }
}
