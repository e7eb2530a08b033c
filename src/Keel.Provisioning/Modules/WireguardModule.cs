using Keel.Processes;
using Keel.Provisioning.Config;
using Keel.Provisioning.Engine;

namespace Keel.Provisioning.Modules;

/// <summary>
/// cloud-init's wireguard (config stage, per instance): wireguard-tools installed through dnf when <c>wg</c> is missing,
/// the kernel module loaded, each of <c>interfaces</c> written to its <c>config_path</c> (mode 0600, owner root) and its
/// <c>wg-quick@NAME</c> service enabled and started, then every <c>readinessprobe</c> command run through /bin/sh (all of
/// them; the failures reported together). In a target root the services are enabled offline (systemctl --root) and
/// neither started nor probed: with probes the module is left undone, so the first boot starts and probes.
/// </summary>
public sealed class WireguardModule() : CloudConfigModule("wireguard", Frequency.PerInstance, Stage.Config)
{
    /// <summary>The mode cloud-init gives the configuration files (they hold the private key).</summary>
    public const UnixFileMode ConfigMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    private static readonly string[] BinDirs = ["/usr/bin", "/usr/sbin", "/bin", "/sbin"];

    /// <inheritdoc />
    public override ModuleOutcome Run(ModuleContext context)
    {
        var value = context.Config["wireguard"];
        if (value is null)
        {
            return ModuleOutcome.NothingToDo;
        }

        var wg = value as CloudMap ?? throw new InvalidDataException("wireguard: must be a mapping with interfaces");
        var list = ConfigValues.List(wg, "interfaces", Name) ?? throw new InvalidDataException("wireguard.interfaces is required");
        var interfaces = list.Items.Select((item, i) => Interface(item, i)).ToList();
        var probes = ConfigValues.List(wg, "readinessprobe", Name)?.Items
            .Select((p, i) => p is CloudScalar { IsNull: false } s ? s.Text : throw new InvalidDataException($"wireguard.readinessprobe.{i} (line {p.Line}): must be a string"))
            .ToList() ?? [];

        var installed = BinDirs.Any(dir => context.Root.Exists(dir + "/wg"));
        if (!installed)
        {
            if (!context.CanExecute)
            {
                // Without the package there is no wg-quick@ unit to enable; the first boot installs, writes and enables.
                foreach (var (name, path, content) in interfaces)
                {
                    context.Root.WriteText(path, content, ConfigMode, 0, 0);
                }

                context.Log.WriteLine("wireguard: wg is not installed; wireguard-tools installed and the interfaces enabled on the first boot of this root (use --execute to install now)");
                return ModuleOutcome.Deferred;
            }

            PackageManager.Find(context).Run(["install", "wireguard-tools"]);
        }

        if (context.Root.IsHostRoot)
        {
            LoadKernelModule(context);
        }

        foreach (var (name, path, content) in interfaces)
        {
            context.Root.WriteText(path, content, ConfigMode, 0, 0);
            Systemctl(context, ["enable", "wg-quick@" + name]);
            if (context.Root.IsHostRoot)
            {
                Systemctl(context, ["start", "wg-quick@" + name]);
            }

            context.Log.WriteLine($"wireguard: {name}: {path} written, wg-quick@{name} enabled" + (context.Root.IsHostRoot ? " and started" : ""));
        }

        if (probes.Count == 0)
        {
            return ModuleOutcome.Done;
        }

        if (!context.Root.IsHostRoot)
        {
            context.Log.WriteLine($"wireguard: {probes.Count} readiness probe(s) run on the first boot of this root, once the interfaces are up");
            return ModuleOutcome.Deferred;
        }

        var errors = new List<string>();
        foreach (var probe in probes)
        {
            try
            {
                // The probes are shell commands by cloud-init's schema, run as the user wrote them.
                ModuleCommand.Run(context, "readinessprobe " + probe, "/bin/sh", ["-c", probe]);
            }
            catch (IOException e)
            {
                errors.Add(e.Message);
            }
        }

        if (errors.Count > 0)
        {
            throw new IOException("wireguard: failed running readinessprobe command: " + string.Join("; ", errors));
        }

        return ModuleOutcome.Done;
    }

    private static (string Name, string Path, string Content) Interface(CloudNode item, int i)
    {
        var map = item as CloudMap ?? throw new InvalidDataException($"wireguard.interfaces.{i} (line {item.Line}): must be a mapping with name, config_path and content");
        var missing = new[] { "config_path", "content", "name" }.Where(k => map[k] is null).ToList();
        if (missing.Count > 0)
        {
            throw new InvalidDataException($"wireguard.interfaces.{i}: missing required keys: {string.Join(", ", missing)}");
        }

        string Text(string key) => map[key] is CloudScalar { IsNull: false, Kind: not ScalarKind.Binary } s
            ? s.Text
            : throw new InvalidDataException($"wireguard.interfaces.{i}.{key} (line {map.KeyLine(key)}): must be a string");
        var name = Text("name");

        // wg-quick's own rule for interface names; the name also becomes a systemd unit instance.
        if (name.Length is 0 or > 15 || !name.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '=' or '+' or '.' or '-'))
        {
            throw new InvalidDataException($"wireguard.interfaces.{i}.name '{name}': an interface name is 1 to 15 of A-Z a-z 0-9 _ = + . -");
        }

        return (name, ConfigPathCheck.Absolute(Text("config_path"), $"wireguard.interfaces.{i}.config_path"), Text("content"));
    }

    private static void LoadKernelModule(ModuleContext context)
    {
        // lsmod reads /proc/modules; a module built into the kernel is not listed, and modprobe then succeeds at once.
        var loaded = File.Exists("/proc/modules") && File.ReadLines("/proc/modules").Any(l => l.StartsWith("wireguard ", StringComparison.Ordinal));
        if (!loaded)
        {
            var modprobe = ToolLookup.Find("modprobe") ?? throw new IOException("modprobe is not installed; the wireguard kernel module cannot be loaded");
            ModuleCommand.Run(context, "modprobe wireguard", modprobe, ["wireguard"]);
        }
    }

    private static void Systemctl(ModuleContext context, IReadOnlyList<string> arguments)
    {
        var systemctl = ToolLookup.Find("systemctl") ?? throw new IOException("systemctl is not installed; wg-quick cannot be enabled");
        List<string> all = context.Root.IsHostRoot ? [.. arguments] : ["--root", context.Root.RootPath, .. arguments];
        ModuleCommand.Run(context, "systemctl " + string.Join(' ', all), systemctl, all);
    }
}
