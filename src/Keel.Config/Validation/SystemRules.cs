using System.Text.RegularExpressions;
using Keel.Config.Loading;
using Keel.Config.Model;

namespace Keel.Config.Validation;

/// <summary>Checks hostname, locale, keyboard, time zone, kernel command line, services, files and machine repositories.</summary>
internal static partial class SystemRules
{
    public static void Check(ValidationContext cx)
    {
        var config = cx.Loaded.Config;
        if (config.Hostname is { } host && (host.Length > 64 || !host.Split('.').All(l => HostLabel().IsMatch(l))))
        {
            cx.Error("hostname", $"'{host}' is not a valid hostname (letters, digits and '-' in dot-separated labels, at most 64)",
                HostLabel().IsMatch(host.Replace('_', '-')) ? $"did you mean '{host.Replace('_', '-')}'?" : null);
        }

        if (!Locale().IsMatch(config.Locale))
        {
            cx.Error("locale", $"'{config.Locale}' is not a locale name", "e.g. 'C.UTF-8' or 'en_US.UTF-8'");
        }

        if (!Keymap().IsMatch(config.Keyboard))
        {
            cx.Error("keyboard", $"'{config.Keyboard}' is not a console keymap name", "e.g. 'us' or 'de-nodeadkeys'");
        }

        CheckTimezone(cx);
        foreach (var arg in config.KernelCommandLine.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            if (arg.StartsWith("root=", StringComparison.Ordinal) || arg.StartsWith("selinux=", StringComparison.Ordinal) || arg.StartsWith("enforcing=", StringComparison.Ordinal))
            {
                cx.Warn("kernelCommandLine", $"'{arg}' is set by keel from the layout and 'selinux'; this value overrides it");
            }
        }

        CheckServices(cx);
        CheckFiles(cx);
        var ids = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < config.SystemRepositories.Count; i++)
        {
            var repo = config.SystemRepositories[i];
            var path = $"systemRepositories[{i}]";
            if (!PackageRules.RepoId().IsMatch(repo.Id) || !ids.Add(repo.Id))
            {
                cx.Error(path + ".id", $"'{repo.Id}' is not a repository id or is used twice");
            }

            if (!PackageRules.IsUrl(repo.Baseurl))
            {
                cx.Error(path + ".baseurl", $"'{repo.Baseurl}' is not an http, https or file URL");
            }

            if (repo.File is { } file && (!file.StartsWith('/') || !file.EndsWith(".repo", StringComparison.Ordinal)))
            {
                cx.Error(path + ".file", $"'{file}' must be an absolute path ending in .repo");
            }

            if (repo.Gpgcheck && repo.Gpgkeys.Count == 0)
            {
                cx.Warn(path + ".gpgcheck", "gpgcheck is on but no gpgkeys are given; dnf on the machine will need the key imported");
            }
        }

        if (config.Seed is { Length: 0 })
        {
            cx.Error("seed", "the seed is empty", "remove it for random UUIDs, or give any non-empty text");
        }
    }

    private static void CheckTimezone(ValidationContext cx)
    {
        var tz = cx.Loaded.Config.Timezone;
        if (tz.Length == 0 || tz.StartsWith('/') || tz.Split('/').Any(p => p is "" or "." or ".."))
        {
            cx.Error("timezone", $"'{tz}' is not a time zone name", "e.g. 'UTC' or 'Europe/Berlin'");
            return;
        }

        if (!Directory.Exists(cx.ZoneinfoDirectory))
        {
            cx.Info("timezone", $"not checked: this host has no {cx.ZoneinfoDirectory}");
            return;
        }

        if (!File.Exists(Path.Combine(cx.ZoneinfoDirectory, tz)))
        {
            var zones = Directory.EnumerateFiles(cx.ZoneinfoDirectory, "*", SearchOption.AllDirectories)
                .Select(f => Path.GetRelativePath(cx.ZoneinfoDirectory, f))
                .Where(z => char.IsUpper(z[0]) && !z.StartsWith("posix", StringComparison.Ordinal) && !z.StartsWith("right", StringComparison.Ordinal));
            cx.Error("timezone", $"unknown time zone '{tz}' (checked against the host's {cx.ZoneinfoDirectory})", Suggestions.Hint(tz, zones));
        }
    }

    private static void CheckServices(ValidationContext cx)
    {
        var services = cx.Loaded.Config.Services;
        void CheckList(List<string> units, string path)
        {
            for (int i = 0; i < units.Count; i++)
            {
                if (!Unit().IsMatch(units[i]))
                {
                    cx.Error($"{path}[{i}]", $"'{units[i]}' is not a systemd unit name",
                        UnitStem().IsMatch(units[i]) ? $"did you mean '{units[i]}.service'?" : null);
                }
            }
        }

        CheckList(services.Enable, "services.enable");
        CheckList(services.Disable, "services.disable");
        foreach (var unit in services.Enable.Intersect(services.Disable, StringComparer.Ordinal))
        {
            cx.Error($"services.disable[{services.Disable.IndexOf(unit)}]", $"'{unit}' is both enabled and disabled");
        }
    }

    private static void CheckFiles(ValidationContext cx)
    {
        var files = cx.Loaded.Config.Files;
        var paths = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < files.Count; i++)
        {
            var f = files[i];
            var path = $"files[{i}]";
            if (!f.Path.StartsWith('/') || f.Path.EndsWith('/') || f.Path.Split('/').Any(p => p is "." or ".."))
            {
                cx.Error(path + ".path", $"'{f.Path}' is not a normalized absolute file path");
            }
            else if (!paths.Add(f.Path))
            {
                cx.Error(path + ".path", $"'{f.Path}' is written twice");
            }

            if (!Mode().IsMatch(f.Mode))
            {
                cx.Error(path + ".mode", $"'{f.Mode}' is not an octal mode", "quote it, e.g. mode: \"0644\"");
            }

            if (!Owner().IsMatch(f.Owner))
            {
                cx.Error(path + ".owner", $"'{f.Owner}' is not USER or USER:GROUP");
            }
        }
    }

    [GeneratedRegex(@"^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$")]
    private static partial Regex HostLabel();

    [GeneratedRegex(@"^(C|POSIX|[a-z]{2,3}(_[A-Z]{2})?)(\.[A-Za-z0-9-]+)?(@[a-z]+)?$")]
    private static partial Regex Locale();

    [GeneratedRegex(@"^[A-Za-z0-9_.-]+$")]
    private static partial Regex Keymap();

    [GeneratedRegex(@"^[A-Za-z0-9:_.@\\-]+\.(service|socket|timer|path|mount|automount|target|swap|slice)$")]
    private static partial Regex Unit();

    [GeneratedRegex(@"^[A-Za-z0-9:_.@\\-]+$")]
    private static partial Regex UnitStem();

    [GeneratedRegex(@"^0?[0-7]{3,4}$")]
    private static partial Regex Mode();

    [GeneratedRegex(@"^([a-z_][a-z0-9_-]*|[0-9]+)(:([a-z_][a-z0-9_-]*|[0-9]+))?$")]
    private static partial Regex Owner();
}
