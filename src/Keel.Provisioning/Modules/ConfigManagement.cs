using System.Globalization;
using System.Text;
using Keel.Processes;
using Keel.Provisioning.Config;
using Keel.Provisioning.Engine;

namespace Keel.Provisioning.Modules;

/// <summary>
/// What the configuration-management bootstrap modules (ansible, puppet, chef, salt_minion) share: package installs through
/// dnf, the root's own programs run with their output captured, and services enabled offline in a target root.
/// </summary>
internal static class ConfigManagement
{
    private static readonly string[] BinDirs = ["/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin"];

    /// <summary>Whether <paramref name="program"/> (a name looked up on the root's PATH, or an absolute path) is in the root.</summary>
    public static bool HasProgram(ModuleContext context, string program) =>
        program.StartsWith('/') ? context.Root.Exists(program) : BinDirs.Any(d => context.Root.Exists(d + "/" + program));

    /// <summary>dnf install of <paramref name="packages"/> into the root (cloud-init's distro.install_packages).</summary>
    public static void Install(ModuleContext context, string module, IReadOnlyList<string> packages)
    {
        foreach (var p in packages)
        {
            // A name dnf would read as an option, or one with white space, would change the command, not name a package.
            if (p.Length == 0 || p[0] == '-' || p.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)))
            {
                throw new InvalidDataException($"{module}: '{p}' is not a package name (empty, starts with '-' or holds white space)");
            }
        }

        context.Log.WriteLine($"{module}: installing {string.Join(' ', packages)}");
        PackageManager.Find(context).Run(["install", .. packages]);
    }

    /// <summary>Runs <paramref name="argv"/> in the root (chroot for a target root) and returns its standard output; a failure is an IOException naming it.</summary>
    public static string Output(ModuleContext context, IReadOnlyList<string> argv, IReadOnlyDictionary<string, string>? environment = null)
    {
        var shown = string.Join(' ', argv);
        string program;
        List<string> arguments;
        string? cwd = null;
        var env = environment is null ? new Dictionary<string, string>() : new Dictionary<string, string>(environment);
        if (context.Root.IsHostRoot)
        {
            program = argv[0].StartsWith('/') ? argv[0] : ToolLookup.Find(argv[0]) ?? throw new IOException($"{argv[0]}: not installed");
            arguments = argv.Skip(1).ToList();
        }
        else
        {
            program = "chroot";
            arguments = [context.Root.RootPath, .. argv];
            env.TryAdd("TMPDIR", "/tmp");
            cwd = context.Root.RootPath;
        }

        return ModuleCommand.Run(context, shown, program, arguments, env, cwd);
    }

    /// <summary>systemctl enable <paramref name="unit"/>: offline (--root) in a target root, so the root's first boot starts it.</summary>
    public static void Enable(ModuleContext context, string unit) => Systemctl(context, ["enable", unit]);

    /// <summary>On the machine itself, systemctl <paramref name="verb"/> the unit (start, restart); a target root has nothing running to act on.</summary>
    public static void Act(ModuleContext context, string verb, string unit)
    {
        if (context.Root.IsHostRoot)
        {
            Systemctl(context, [verb, unit]);
        }
    }

    /// <summary>
    /// The module's config with every mapping's keys in sorted order: cloud-init's modules read the config back from
    /// cloud-config.txt, which it writes with safeyaml.dumps (keys sorted), so that is the order they iterate in.
    /// </summary>
    public static CloudNode Sorted(CloudNode node) => node switch
    {
        CloudMap map => new CloudMap(map.Entries.OrderBy(e => e.Key, StringComparer.Ordinal).Select(e => new KeyValuePair<string, CloudNode>(e.Key, Sorted(e.Value))), map.Line, map.KeyLines),
        CloudList list => new CloudList(list.Items.Select(Sorted).ToList(), list.Line),
        _ => node,
    };

    /// <summary>A scalar's text as Python's str() gives it (True/False/None, numbers as written); mappings and lists are refused.</summary>
    public static string PythonStr(CloudNode node, string where) => node switch
    {
        CloudScalar { Kind: ScalarKind.Boolean } b => b.Text == "true" ? "True" : "False",
        CloudScalar { Kind: ScalarKind.Null } => "None",
        CloudScalar { Kind: ScalarKind.Binary } => throw new InvalidDataException($"{where}: binary data is not a value here"),
        CloudScalar s => s.Text,
        _ => throw new InvalidDataException($"{where}: must be a scalar, not {node.TypeName}"),
    };

    /// <summary>Python's json.dumps with its defaults (", " and ": " separators, ASCII only).</summary>
    public static string PythonJson(CloudNode node)
    {
        var sb = new StringBuilder();
        WriteJson(sb, node);
        return sb.ToString();
    }

    private static void WriteJson(StringBuilder sb, CloudNode node)
    {
        switch (node)
        {
            case CloudMap map:
                sb.Append('{');
                for (var i = 0; i < map.Entries.Count; i++)
                {
                    sb.Append(i == 0 ? "" : ", ");
                    JsonString(sb, map.Entries[i].Key);
                    sb.Append(": ");
                    WriteJson(sb, map.Entries[i].Value);
                }

                sb.Append('}');
                break;
            case CloudList list:
                sb.Append('[');
                for (var i = 0; i < list.Items.Count; i++)
                {
                    sb.Append(i == 0 ? "" : ", ");
                    WriteJson(sb, list.Items[i]);
                }

                sb.Append(']');
                break;
            case CloudScalar { Kind: ScalarKind.Null }:
                sb.Append("null");
                break;
            case CloudScalar { Kind: ScalarKind.Boolean or ScalarKind.Integer } s:
                sb.Append(s.Text);
                break;
            case CloudScalar { Kind: ScalarKind.Float } f:
                sb.Append(double.Parse(f.Text, CultureInfo.InvariantCulture).ToString("R", CultureInfo.InvariantCulture));
                break;
            case CloudScalar { Kind: ScalarKind.Binary }:
                throw new InvalidDataException("binary data cannot be written as JSON");
            case CloudScalar s:
                JsonString(sb, s.Text);
                break;
        }
    }

    private static void JsonString(StringBuilder sb, string text)
    {
        sb.Append('"');
        foreach (var c in text)
        {
            sb.Append(c switch
            {
                '"' => "\\\"",
                '\\' => "\\\\",
                '\n' => "\\n",
                '\r' => "\\r",
                '\t' => "\\t",
                '\b' => "\\b",
                '\f' => "\\f",
                < ' ' or > '~' => $"\\u{(int)c:x4}",
                _ => c.ToString(),
            });
        }

        sb.Append('"');
    }

    private static void Systemctl(ModuleContext context, IReadOnlyList<string> arguments)
    {
        var systemctl = ToolLookup.Find("systemctl") ?? throw new IOException($"systemctl is not installed; cannot {string.Join(' ', arguments)}");
        List<string> all = context.Root.IsHostRoot ? [.. arguments] : ["--root", context.Root.RootPath, .. arguments];
        ModuleCommand.Run(context, "systemctl " + string.Join(' ', all), systemctl, all);
    }
}
