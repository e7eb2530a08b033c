using Keel.Provisioning.Engine;

namespace Keel.Provisioning.Modules;

/// <summary>cloud-init's bootcmd: every boot, the commands as a script (kept in the instance directory) run with INSTANCE_ID set.</summary>
public sealed class BootcmdModule() : CloudConfigModule("bootcmd", Frequency.Always, Stage.Init)
{
    /// <inheritdoc />
    public override ModuleOutcome Run(ModuleContext context)
    {
        var cmds = context.Config["bootcmd"];
        if (cmds is null or Config.CloudScalar { IsNull: true })
        {
            return ModuleOutcome.NothingToDo;
        }

        var path = context.Paths.InstanceDir + "/bootcmd";
        context.Root.WriteText(path, Shellify.Render(cmds, "bootcmd"), (UnixFileMode)0x1c0);
        if (!context.CanExecute)
        {
            context.Log.WriteLine($"bootcmd: recorded in {path}; not executed in a root other than / (use --execute)");
            return ModuleOutcome.Deferred;
        }

        ScriptRunner.Run(context, path, throughShell: true, new Dictionary<string, string> { ["INSTANCE_ID"] = context.Instance.InstanceId });
        return ModuleOutcome.Done;
    }
}

/// <summary>cloud-init's runcmd: writes the commands to instance/scripts/runcmd for scripts_user to run.</summary>
public sealed class RuncmdModule() : CloudConfigModule("runcmd", Frequency.PerInstance, Stage.Config)
{
    /// <inheritdoc />
    public override ModuleOutcome Run(ModuleContext context)
    {
        var cmds = context.Config["runcmd"];
        if (cmds is null or Config.CloudScalar { IsNull: true })
        {
            return ModuleOutcome.NothingToDo;
        }

        context.Root.WriteText(context.Paths.ScriptsDir + "/runcmd", Shellify.Render(cmds, "runcmd"), (UnixFileMode)0x1c0);
        return ModuleOutcome.Done;
    }
}

/// <summary>
/// cloud-init's scripts_user / scripts_vendor: runs every executable file in the instance's scripts directory in name
/// order, all of them even when one fails. In a root that may not execute, the module is left undone (no semaphore) so the
/// first real boot runs the scripts.
/// </summary>
/// <param name="vendor">True for scripts_vendor, false for scripts_user.</param>
public sealed class ScriptsModule(bool vendor) : CloudConfigModule(vendor ? "scripts_vendor" : "scripts_user", Frequency.PerInstance, Stage.Final)
{
    /// <inheritdoc />
    public override ModuleOutcome Run(ModuleContext context) =>
        RunParts(context, Name, vendor ? context.Paths.VendorScriptsDir : context.Paths.ScriptsDir);

    /// <summary>
    /// cloud-init's runparts: every executable regular file of <paramref name="dir"/> (in the root) in name order, all of
    /// them even when one fails; deferred (no semaphore) in a root that may not execute.
    /// </summary>
    public static ModuleOutcome RunParts(ModuleContext context, string name, string dir)
    {
        var host = context.Root.Resolve(dir);
        if (!Directory.Exists(host))
        {
            return ModuleOutcome.NothingToDo;
        }

        var scripts = Directory.EnumerateFiles(host)
            .Where(f => new FileInfo(f).LinkTarget is null && (File.GetUnixFileMode(f) & UnixFileMode.UserExecute) != 0)
            .Select(Path.GetFileName)
            .Order(StringComparer.Ordinal)
            .ToList();
        if (scripts.Count == 0)
        {
            return ModuleOutcome.NothingToDo;
        }

        if (!context.CanExecute)
        {
            context.Log.WriteLine($"{name}: {scripts.Count} script(s) in {dir} left for the first boot of this root");
            return ModuleOutcome.Deferred;
        }

        var failures = new List<string>();
        foreach (var script in scripts)
        {
            try
            {
                ScriptRunner.Run(context, dir + "/" + script, throughShell: false);
            }
            catch (IOException ex)
            {
                failures.Add(ex.Message);
            }
        }

        if (failures.Count > 0)
        {
            throw new IOException($"{failures.Count} of {scripts.Count} scripts failed: {string.Join("; ", failures)}");
        }

        return ModuleOutcome.Done;
    }
}

/// <summary>
/// cloud-init's scripts_per_boot, scripts_per_instance and scripts_per_once (final stage): the executable files an image
/// or an administrator put in /var/lib/cloud/scripts/per-boot (every boot: cloud-init 22.4.2 marks the module "always"),
/// per-instance (once per instance-id) and per-once (once for the life of the root), in name order.
/// </summary>
/// <param name="kind">"boot", "instance" or "once".</param>
public sealed class ScriptsPerModule(string kind) : CloudConfigModule("scripts_per_" + kind,
    kind switch { "boot" => Frequency.Always, "instance" => Frequency.PerInstance, "once" => Frequency.Once, _ => throw new ArgumentOutOfRangeException(nameof(kind)) },
    Stage.Final)
{
    /// <inheritdoc />
    public override ModuleOutcome Run(ModuleContext context) =>
        ScriptsModule.RunParts(context, Name, $"{CloudPaths.CloudDir}/scripts/per-{kind}");
}
