using Keel.Processes;
using Keel.Provisioning.Config;
using Keel.Provisioning.Engine;

namespace Keel.Provisioning.Modules;

/// <summary>
/// cloud-init's keys_to_console (final stage, per instance), doing what its write-ssh-key-fingerprints helper does: for
/// each /etc/ssh/ssh_host_*key.pub of the root, the fingerprint (<c>ssh-keygen -l -f</c>) between the BEGIN/END SSH HOST
/// KEY FINGERPRINTS banners unless its type is in <c>ssh_fp_console_blacklist</c>, then the public keys between the
/// BEGIN/END SSH HOST KEY KEYS lines unless in <c>ssh_key_console_blacklist</c> (default ssh-dss). Written to the agent's
/// log, which the units send to the console. <c>ssh: {emit_keys_to_console: false}</c> turns it off.
/// </summary>
public sealed class KeysToConsoleModule() : CloudConfigModule("keys_to_console", Frequency.PerInstance, Stage.Final)
{
    /// <inheritdoc />
    public override ModuleOutcome Run(ModuleContext context)
    {
        if (context.Config["ssh"] is CloudMap ssh && !ssh.GetBool("emit_keys_to_console", true))
        {
            return ModuleOutcome.NothingToDo;
        }

        var fpBlacklist = Names(context.Config, "ssh_fp_console_blacklist", []);
        var keyBlacklist = Names(context.Config, "ssh_key_console_blacklist", ["ssh-dss"]);
        var dir = context.Root.Resolve("/etc/ssh");
        var keys = Directory.Exists(dir)
            ? Directory.EnumerateFiles(dir, "ssh_host_*key.pub").Where(f => new FileInfo(f).LinkTarget is null).Order(StringComparer.Ordinal).ToList()
            : [];
        if (keys.Count == 0)
        {
            return ModuleOutcome.NothingToDo;
        }

        var entries = keys.Select(f => (File: f, Line: File.ReadLines(f).FirstOrDefault() ?? "")).Select(k => (k.File, k.Line, Type: k.Line.Split(' ')[0])).ToList();
        var shown = entries.Where(e => !fpBlacklist.Contains(e.Type)).ToList();
        if (shown.Count > 0)
        {
            var keygen = ToolLookup.Find("ssh-keygen") ?? throw new IOException("ssh-keygen is not installed: host key fingerprints cannot be shown");
            context.Log.WriteLine("#############################################################");
            context.Log.WriteLine("-----BEGIN SSH HOST KEY FINGERPRINTS-----");
            foreach (var e in shown)
            {
                var result = ToolRunner.Run(new ToolOptions { AllowFailure = true }, keygen, ["-l", "-f", e.File], context.Cancellation);
                // ssh-keygen names the file it read: show the root's path, as the helper run inside the machine does.
                context.Log.WriteLine(result.Output.Trim().Replace(e.File, "/etc/ssh/" + Path.GetFileName(e.File), StringComparison.Ordinal));
            }

            context.Log.WriteLine("-----END SSH HOST KEY FINGERPRINTS-----");
            context.Log.WriteLine("#############################################################");
        }

        var printed = entries.Where(e => !keyBlacklist.Contains(e.Type)).ToList();
        if (printed.Count > 0)
        {
            context.Log.WriteLine("-----BEGIN SSH HOST KEY KEYS-----");
            foreach (var e in printed)
            {
                context.Log.Write(File.ReadAllText(e.File));
            }

            context.Log.WriteLine("-----END SSH HOST KEY KEYS-----");
        }

        return ModuleOutcome.Done;
    }

    private static HashSet<string> Names(CloudMap config, string key, string[] defaults) =>
        (ConfigValues.List(config, key, "keys_to_console")?.Items.Select(i => (i as CloudScalar)?.Text ?? "") ?? defaults).ToHashSet(StringComparer.Ordinal);
}
