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
    public override ModuleOutcome Run(ModuleContext context)
    {
        var dir = vendor ? context.Paths.VendorScriptsDir : context.Paths.ScriptsDir;
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
            context.Log.WriteLine($"{Name}: {scripts.Count} script(s) in {dir} left for the first boot of this root");
            return ModuleOutcome.Deferred;
        }

        var failures = new List<string>();
        foreach (var name in scripts)
        {
            try
            {
                ScriptRunner.Run(context, dir + "/" + name, throughShell: false);
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
