using System.Text;
using Keel.Provisioning.Config;
using Keel.Provisioning.Engine;

namespace Keel.Provisioning.Modules;

/// <summary>
/// cloud-init's keyboard (config stage, per instance): <c>layout</c> (required), <c>model</c> (default pc105),
/// <c>variant</c>, <c>options</c>. On the machine itself it runs what cloud-init runs on a systemd distribution,
/// <c>localectl set-x11-keymap LAYOUT MODEL VARIANT OPTIONS</c>. A target root has no systemd-localed to ask, so the files
/// are written as systemd-localed (v253 and later, as on Azure Linux 3 and Fedora) writes them for that call:
/// /etc/X11/xorg.conf.d/00-keyboard.conf, and /etc/vconsole.conf with the XKB* fields and KEYMAP converted from the layout
/// (a converted keymap under the root's kbd keymap directories, else the best match in its kbd-model-map).
/// </summary>
public sealed class KeyboardModule() : CloudConfigModule("keyboard", Frequency.PerInstance, Stage.Config)
{
    /// <summary>cloud-init's default keyboard model.</summary>
    public const string DefaultModel = "pc105";

    /// <summary>systemd-localed's X11 keyboard file.</summary>
    public const string XorgFile = "/etc/X11/xorg.conf.d/00-keyboard.conf";

    /// <summary>The console configuration systemd-vconsole-setup reads.</summary>
    public const string VconsoleFile = "/etc/vconsole.conf";

    /// <summary>Where systemd looks for the layout-to-console-keymap table.</summary>
    public const string KbdModelMap = "/usr/share/systemd/kbd-model-map";

    // systemd's KBD_KEYMAP_DIRS (without split /usr).
    private static readonly string[] KeymapDirs = ["/usr/share/keymaps/", "/usr/share/kbd/keymaps/", "/usr/lib/kbd/keymaps/"];

    /// <summary>The X11 keyboard settings: null for an unset field, as localed's X11Context.</summary>
    public sealed record X11(string? Layout, string? Model, string? Variant, string? Options);

    /// <inheritdoc />
    public override ModuleOutcome Run(ModuleContext context)
    {
        var value = context.Config["keyboard"];
        if (value is null)
        {
            return ModuleOutcome.NothingToDo;
        }

        var keyboard = value as CloudMap ?? throw ConfigValues.WrongType(Name, "keyboard", value, "a mapping");
        var layout = ConfigValues.Text(keyboard, "layout", Name) ?? throw new InvalidDataException("keyboard.layout is required");
        var model = ConfigValues.Text(keyboard, "model", Name) ?? DefaultModel;
        var variant = ConfigValues.Text(keyboard, "variant", Name) ?? "";
        var options = ConfigValues.Text(keyboard, "options", Name) ?? "";
        foreach (var (key, text) in new[] { ("layout", layout), ("model", model), ("variant", variant), ("options", options) })
        {
            // localed's string_is_safe: these go between quotes in the Xorg file and into an environment file.
            if (text.Any(c => c < ' ' || c is '"' or '\'' or '\\' or '\x7f'))
            {
                throw new InvalidDataException($"keyboard.{key}: quotes, backslashes and control characters are not allowed (systemd-localed refuses them)");
            }
        }

        if (context.Root.IsHostRoot)
        {
            RootCommand.Run(context, LocalectlArguments(layout, model, variant, options));
            return ModuleOutcome.Done;
        }

        var xc = new X11(Null(layout), Null(model), Null(variant), Null(options));
        var keymap = ConvertToConsole(context.Root, xc);
        var vconsole = RenderVconsole(context.Root.ReadAllTextOrNull(VconsoleFile), xc, keymap);
        if (vconsole is null)
        {
            if (context.Root.Exists(VconsoleFile))
            {
                context.Root.DeleteFile(VconsoleFile);
            }
        }
        else
        {
            context.Root.WriteText(VconsoleFile, vconsole, (UnixFileMode)0x1a4);
        }

        if (RenderXorg(xc) is { } xorg)
        {
            context.Root.WriteText(XorgFile, xorg, (UnixFileMode)0x1a4);
        }
        else if (context.Root.Exists(XorgFile))
        {
            context.Root.DeleteFile(XorgFile);
        }

        context.Log.WriteLine($"keyboard: layout '{layout}' model '{model}' variant '{variant}' options '{options}' in {XorgFile} and {VconsoleFile}" +
            (keymap is null ? $" (no console keymap found for \"{layout}\")" : $" (console keymap {keymap})"));
        return ModuleOutcome.Done;
    }

    /// <summary>What cloud-init runs on a systemd distribution: every field given, empty ones as empty arguments.</summary>
    public static IReadOnlyList<string> LocalectlArguments(string layout, string model, string variant, string options) =>
        ["localectl", "set-x11-keymap", layout, model, variant, options];

    /// <summary>00-keyboard.conf as systemd-localed writes it; null when every field is empty (localed removes the file).</summary>
    public static string? RenderXorg(X11 xc)
    {
        if (xc.Layout is null && xc.Model is null && xc.Variant is null && xc.Options is null)
        {
            return null;
        }

        var sb = new StringBuilder("""
            # Written by systemd-localed(8), read by systemd-localed and Xorg. It's
            # probably wise not to edit this file manually. Use localectl(1) to
            # instruct systemd-localed to update it.
            Section "InputClass"
                    Identifier "system-keyboard"
                    MatchIsKeyboard "on"

            """);
        foreach (var (option, v) in new[] { ("XkbLayout", xc.Layout), ("XkbModel", xc.Model), ("XkbVariant", xc.Variant), ("XkbOptions", xc.Options) })
        {
            if (v is not null)
            {
                sb.Append("        Option \"").Append(option).Append("\" \"").Append(v).Append("\"\n");
            }
        }

        return sb.Append("EndSection\n").ToString();
    }

    /// <summary>
    /// vconsole.conf as systemd-localed rewrites it for set-x11-keymap with conversion: the other assignments kept (comments
    /// are not), KEYMAP the converted keymap, KEYMAP_TOGGLE dropped, XKB* the X11 fields; null when nothing is left.
    /// </summary>
    public static string? RenderVconsole(string? existing, X11 xc, string? keymap)
    {
        var env = ParseEnv(existing ?? "");
        Assign(env, "KEYMAP", keymap);
        Assign(env, "KEYMAP_TOGGLE", null);
        Assign(env, "XKBLAYOUT", xc.Layout);
        Assign(env, "XKBMODEL", xc.Model);
        Assign(env, "XKBVARIANT", xc.Variant);
        Assign(env, "XKBOPTIONS", xc.Options);
        if (env.Count == 0)
        {
            return null;
        }

        var sb = new StringBuilder();
        foreach (var (key, v) in env)
        {
            sb.Append(key).Append('=');
            if (v.Any(c => c < ' ' || c == '\x7f' || " \t\n\r\"\\`$*?['()<>|&;!".Contains(c)))
            {
                sb.Append('"');
                foreach (var c in v)
                {
                    if (c is '"' or '\\' or '`' or '$')
                    {
                        sb.Append('\\');
                    }

                    sb.Append(c);
                }

                sb.Append('"');
            }
            else
            {
                sb.Append(v);
            }

            sb.Append('\n');
        }

        return sb.ToString();
    }

    /// <summary>localed's x11_convert_to_vconsole: a converted keymap named after layout[-variant], else the best kbd-model-map entry.</summary>
    public static string? ConvertToConsole(Keel.TargetSystem.TargetRoot root, X11 xc)
    {
        if (xc.Layout is null)
        {
            return null;
        }

        return FindConverted(root, xc.Layout, xc.Variant) ?? FindLegacy(root, xc);
    }

    private static string? FindConverted(Keel.TargetSystem.TargetRoot root, string layout, string? variant)
    {
        var name = variant is null ? layout : layout + "-" + variant;
        return KeymapDirs.Any(dir => root.Exists(dir + "xkb/" + name + ".map") || root.Exists(dir + "xkb/" + name + ".map.gz")) ? name : null;
    }

    private static string? FindLegacy(Keel.TargetSystem.TargetRoot root, X11 xc)
    {
        // localed fails set-x11-keymap when the table is missing; a root without it is an error rather than a guess.
        var map = root.ReadAllTextOrNull(KbdModelMap) ?? throw new IOException($"{KbdModelMap} is not in the root: systemd-localed could not convert the layout to a console keymap");
        string? best = null;
        var bestScore = 0;
        foreach (var raw in map.Split('\n'))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }

            var a = line.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
            if (a.Length < 5)
            {
                continue;
            }

            var score = 0;
            if (xc.Layout == a[1])
            {
                score = 10;
            }
            else if (StartsWithComma(xc.Layout!, a[1]))
            {
                score = 5;
            }
            else if (StartsWithComma(xc.Layout!, a[1].Split(',')[0]))
            {
                score = 1;
            }

            if (score > 0 && (xc.Model is null || xc.Model == a[2]))
            {
                score++;
                if (xc.Variant == a[3])
                {
                    score++;
                    if (xc.Options == a[4])
                    {
                        score++;
                    }
                }
            }

            if (score >= Math.Max(bestScore, 1) && score > bestScore)
            {
                (best, bestScore) = (a[0], score);
            }
        }

        if (bestScore < 10)
        {
            // Only part of a multi-layout matched: a converted keymap for just the first layout (and variant) wins.
            var first = xc.Layout!.Split(',')[0];
            var firstVariant = string.IsNullOrEmpty(xc.Variant) ? null : xc.Variant.Split(',')[0];
            if (FindConverted(root, first, firstVariant) is { } converted)
            {
                best = converted;
            }
        }

        return best;
    }

    private static bool StartsWithComma(string s, string prefix) =>
        s.StartsWith(prefix, StringComparison.Ordinal) && (s.Length == prefix.Length || s[prefix.Length] == ',');

    private static string? Null(string s) => s.Length == 0 ? null : s;

    private static void Assign(List<(string Key, string Value)> env, string key, string? value)
    {
        var at = env.FindIndex(e => e.Key == key);
        if (value is null)
        {
            if (at >= 0)
            {
                env.RemoveAt(at);
            }
        }
        else if (at >= 0)
        {
            env[at] = (key, value);
        }
        else
        {
            env.Add((key, value));
        }
    }

    // The assignments of an environment file (KEY=value, "double" or 'single' quoted), later ones replacing earlier ones.
    private static List<(string Key, string Value)> ParseEnv(string text)
    {
        var env = new List<(string Key, string Value)>();
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.Trim();
            var eq = line.IndexOf('=', StringComparison.Ordinal);
            if (line.Length == 0 || line[0] is '#' or ';' || eq <= 0)
            {
                continue;
            }

            var key = line[..eq].Trim();
            var v = line[(eq + 1)..].Trim();
            if (v.Length >= 2 && v[0] == '"' && v[^1] == '"')
            {
                var sb = new StringBuilder();
                for (var i = 1; i < v.Length - 1; i++)
                {
                    if (v[i] == '\\' && i + 1 < v.Length - 1)
                    {
                        i++;
                    }

                    sb.Append(v[i]);
                }

                v = sb.ToString();
            }
            else if (v.Length >= 2 && v[0] == '\'' && v[^1] == '\'')
            {
                v = v[1..^1];
            }

            Assign(env, key, v);
        }

        return env;
    }
}
