namespace Keel.Provisioning;

/// <summary>The provisioning engine's version, as reported in status and final_message.</summary>
public static class AgentVersion
{
    /// <summary>The informational version of this assembly.</summary>
    public static string Value { get; } = typeof(AgentVersion).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";
}
