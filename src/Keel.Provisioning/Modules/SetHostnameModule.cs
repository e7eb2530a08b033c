using System.Text.Json;
using Keel.Provisioning.Engine;

namespace Keel.Provisioning.Modules;

/// <summary>cloud-init's set_hostname: writes /etc/hostname once per instance unless preserve_hostname, and records what it set.</summary>
public sealed class SetHostnameModule() : CloudConfigModule("set_hostname", Frequency.PerInstance, Stage.Init)
{
    /// <inheritdoc />
    public override ModuleOutcome Run(ModuleContext context)
    {
        if (context.Config.GetBool("preserve_hostname", false) || HostnameResolver.Resolve(context) is not { } names)
        {
            return ModuleOutcome.NothingToDo;
        }

        var previous = context.Root.ReadAllTextOrNull(CloudPaths.SetHostnameFile);
        var record = Record(names.Hostname, names.Fqdn);
        if (previous is not null && previous.Trim() == record.Trim() && context.Root.Exists("/etc/hostname"))
        {
            return ModuleOutcome.NothingToDo;
        }

        var written = HostnameResolver.Written(context, names);
        context.Root.WriteText("/etc/hostname", written + "\n", (UnixFileMode)0x1a4);
        context.Root.WriteText(UpdateHostnameModule.PreviousHostnameFile, written + "\n", (UnixFileMode)0x1a4);
        context.Root.WriteText(CloudPaths.SetHostnameFile, record, (UnixFileMode)0x1a4);
        context.Root.ApplyRunningHostname(written);
        context.Log.WriteLine($"set_hostname: {written}");
        return ModuleOutcome.Done;
    }

    private static string Record(string hostname, string fqdn)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("hostname", hostname);
            w.WriteString("fqdn", fqdn);
            w.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.ToArray()) + "\n";
    }
}
