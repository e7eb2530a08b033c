using System.IO.Compression;
using Keel.Provisioning.Config;
using Keel.Provisioning.Engine;

namespace Keel.Provisioning.Modules;

/// <summary>
/// cloud-init's seed_random (init stage, first, per instance): <c>random_seed.data</c> (raw, base64 or gzip) appended to
/// <c>random_seed.file</c> (default /dev/urandom), then <c>random_seed.command</c> run with RANDOM_SEED_FILE set
/// (skipped when not installed unless <c>command_required</c>). A device under /dev of a target root is not the running
/// kernel's pool, so there the module is left for the root's first boot.
/// </summary>
public sealed class SeedRandomModule() : CloudConfigModule("seed_random", Frequency.PerInstance, Stage.Init)
{
    /// <inheritdoc />
    public override ModuleOutcome Run(ModuleContext context)
    {
        var config = ConfigValues.Map(context.Config, "random_seed", Name);
        if (config is null)
        {
            return ModuleOutcome.NothingToDo;
        }

        var file = ConfigPathCheck.Absolute(ConfigValues.Text(config, "file", Name) ?? "/dev/urandom", "random_seed.file");
        var data = Decode(config);
        var command = ConfigValues.List(config, "command", Name)?.Items.Select(i => (i as CloudScalar)?.Text ?? throw new InvalidDataException($"random_seed.command (line {i.Line}): arguments must be strings")).ToList() ?? [];
        var required = config.GetBool("command_required", false);
        if (command.Count == 0 && required)
        {
            throw new InvalidDataException("random_seed: no command found but command_required is true");
        }

        if (!context.Root.IsHostRoot && (file.StartsWith("/dev/", StringComparison.Ordinal) || (command.Count > 0 && !context.CanExecute)))
        {
            context.Log.WriteLine($"seed_random: {file} and the command are for the running system; left for the first boot of this root");
            return ModuleOutcome.Deferred;
        }

        if (data.Length > 0)
        {
            if (context.Root.IsHostRoot)
            {
                // /dev/urandom is a device: opened for appending, never read.
                using var stream = new FileStream(file, FileMode.Append, FileAccess.Write);
                stream.Write(data);
            }
            else
            {
                // Appending keeps the file's mode, as cloud-init's append_file does.
                var existing = context.Root.ReadAllBytesOrNull(file);
                var mode = existing is null ? (UnixFileMode)0x1a4 : File.GetUnixFileMode(context.Root.Resolve(file));
                context.Root.WriteFile(file, [.. existing ?? [], .. data], mode);
            }

            context.Log.WriteLine($"seed_random: {data.Length} bytes of entropy added to {file}");
        }

        if (command.Count > 0)
        {
            var found = context.Root.IsHostRoot
                ? Keel.Processes.ToolLookup.Find(command[0]) is not null
                : new[] { "/usr/bin/", "/bin/", "/usr/sbin/", "/sbin/" }.Any(d => context.Root.Exists(command[0].StartsWith('/') ? command[0] : d + command[0]));
            if (!found)
            {
                return required
                    ? throw new IOException($"random_seed.command '{command[0]}' not found but command_required is true")
                    : ModuleOutcome.Done;
            }

            var env = new Dictionary<string, string> { ["RANDOM_SEED_FILE"] = file };
            if (context.Root.IsHostRoot)
            {
                ModuleCommand.Run(context, string.Join(' ', command), Keel.Processes.ToolLookup.Find(command[0])!, command.Skip(1).ToList(), env);
            }
            else
            {
                ModuleCommand.Run(context, string.Join(' ', command), "chroot", [context.Root.RootPath, .. command], env, context.Root.RootPath);
            }
        }

        return ModuleOutcome.Done;
    }

    private static byte[] Decode(CloudMap config)
    {
        if (config["data"] is not CloudScalar { IsNull: false } value || (value.Kind != ScalarKind.Binary && value.Text.Length == 0))
        {
            return [];
        }

        var encoding = ConfigValues.Text(config, "encoding", "seed_random")?.ToLowerInvariant() ?? "raw";
        var raw = value.Kind == ScalarKind.Binary ? value.GetBytes() : System.Text.Encoding.UTF8.GetBytes(value.Text);
        switch (encoding)
        {
            case "raw":
                return raw;
            case "base64" or "b64":
                return Convert.FromBase64String(value.Text);
            case "gzip" or "gz":
                using (var input = new GZipStream(new MemoryStream(raw), CompressionMode.Decompress))
                using (var output = new MemoryStream())
                {
                    input.CopyTo(output);
                    return output.ToArray();
                }

            default:
                throw new InvalidDataException($"random_seed.encoding '{encoding}': expected raw, base64, b64, gzip or gz");
        }
    }
}
