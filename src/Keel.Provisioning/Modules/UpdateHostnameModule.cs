using Keel.Provisioning.Engine;

namespace Keel.Provisioning.Modules;

/// <summary>
/// cloud-init's update_hostname, every boot: follows a changed configured hostname, but only while /etc/hostname still
/// holds what the agent last wrote — a hostname the administrator changed is left alone.
/// </summary>
public sealed class UpdateHostnameModule() : CloudConfigModule("update_hostname", Frequency.Always, Stage.Init)
{
    /// <summary>The hostname the agent last wrote (cloud-init's data/previous-hostname).</summary>
    public const string PreviousHostnameFile = CloudPaths.CloudDir + "/data/previous-hostname";

    /// <inheritdoc />
    public override ModuleOutcome Run(ModuleContext context)
    {
        if (context.Config.GetBool("preserve_hostname", false) || HostnameResolver.Resolve(context) is not { } names)
        {
            return ModuleOutcome.NothingToDo;
        }

        var wanted = HostnameResolver.Written(context, names);
        var previous = context.Root.ReadAllTextOrNull(PreviousHostnameFile)?.Trim();
        var system = context.Root.ReadAllTextOrNull("/etc/hostname")?.Trim();
        if (!string.IsNullOrEmpty(system) && !string.IsNullOrEmpty(previous) && system != previous)
        {
            context.Log.WriteLine($"update_hostname: /etc/hostname differs from {PreviousHostnameFile}, assuming a user-maintained hostname");
            return ModuleOutcome.Done;
        }

        if (string.IsNullOrEmpty(previous) || previous != wanted)
        {
            context.Root.WriteText(PreviousHostnameFile, wanted + "\n", (UnixFileMode)0x1a4);
        }

        if (string.IsNullOrEmpty(system) || (system == previous && system != wanted))
        {
            context.Root.WriteText("/etc/hostname", wanted + "\n", (UnixFileMode)0x1a4);
            context.Root.ApplyRunningHostname(wanted);
            context.Log.WriteLine($"update_hostname: {wanted}");
        }

        return ModuleOutcome.Done;
    }
}
