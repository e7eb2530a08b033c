using Keel.Installer.Api;

namespace Keel.Installer.Service.Regional;

/// <summary>
/// The locales, console keyboard layouts and time zones the regional screens offer: read from the live system (glibc's
/// SUPPORTED list, the kbd keymap directories, the zoneinfo database) and, where a source is missing, from a built-in
/// list of common values. Each list is read once per instance.
/// </summary>
public sealed class RegionalChoices(
    string supportedLocales = RegionalChoices.DefaultSupportedLocales,
    IReadOnlyList<string>? keymapDirectories = null,
    string zoneinfoDirectory = RegionalChoices.DefaultZoneinfo)
{
    public const string DefaultSupportedLocales = "/usr/share/i18n/SUPPORTED";

    public const string DefaultZoneinfo = "/usr/share/zoneinfo";

    /// <summary>Where kbd (Fedora lineage) and console-data (Debian) keep keymaps.</summary>
    public static IReadOnlyList<string> DefaultKeymapDirectories { get; } = ["/usr/lib/kbd/keymaps", "/usr/share/keymaps"];

    private readonly IReadOnlyList<string> keymapDirectories = keymapDirectories ?? DefaultKeymapDirectories;
    private IReadOnlyList<Choice>? locales;
    private IReadOnlyList<Choice>? keyboards;
    private IReadOnlyList<Choice>? timezones;

    /// <summary>UTF-8 locales ("en_US.UTF-8 — English (United States)"), C.UTF-8 first, then by name.</summary>
    public IReadOnlyList<Choice> Locales() => locales ??= ReadLocales();

    /// <summary>Console keymap names (us, de-nodeadkeys, ...), sorted.</summary>
    public IReadOnlyList<Choice> Keyboards() => keyboards ??= ReadKeyboards();

    /// <summary>Region/City time zones and UTC, sorted.</summary>
    public IReadOnlyList<Choice> Timezones() => timezones ??= ReadTimezones();

    /// <summary>The list of <paramref name="kind"/>.</summary>
    public IReadOnlyList<Choice> Of(ChoiceKind kind) => kind switch
    {
        ChoiceKind.Locales => Locales(),
        ChoiceKind.Keyboards => Keyboards(),
        ChoiceKind.Timezones => Timezones(),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "not a choice list"),
    };

    /// <summary>
    /// The choices of <paramref name="kind"/> whose value or label contains <paramref name="query"/> (case-insensitive;
    /// null or blank: all). <see cref="ChoiceList.Total"/> counts every match; <see cref="ChoiceList.Items"/> holds at most
    /// <paramref name="limit"/> of them (null: all).
    /// </summary>
    public ChoiceList Filter(ChoiceKind kind, string? query, int? limit = null) => Filter(Of(kind), query, limit);

    /// <summary>The same filter over any list.</summary>
    public static ChoiceList Filter(IReadOnlyList<Choice> choices, string? query, int? limit = null)
    {
        ArgumentNullException.ThrowIfNull(choices);
        var q = query?.Trim() ?? "";
        var matches = q.Length == 0 ? choices
            : choices.Where(c => c.Value.Contains(q, StringComparison.OrdinalIgnoreCase) || c.Label.Contains(q, StringComparison.OrdinalIgnoreCase)).ToList();
        return new ChoiceList(limit is { } n && n < matches.Count ? matches.Take(Math.Max(0, n)).ToList() : matches, matches.Count);
    }

    /// <summary>"en_US.UTF-8 — English (United States)"; a code without a known name is shown as it is.</summary>
    public static string LocaleLabel(string locale)
    {
        ArgumentNullException.ThrowIfNull(locale);
        var name = locale.Split('.', '@')[0];
        if (name is "C" or "POSIX")
        {
            return $"{locale} — no language (program messages in English)";
        }

        var parts = name.Split('_');
        var language = RegionalNames.Languages.GetValueOrDefault(parts[0]);
        var territory = parts.Length > 1 ? RegionalNames.Territories.GetValueOrDefault(parts[1]) : null;
        var modifier = locale.Contains('@', StringComparison.Ordinal) ? locale[(locale.IndexOf('@', StringComparison.Ordinal) + 1)..] : null;
        if (language is null)
        {
            return locale;
        }

        var detail = string.Join(", ", new[] { territory ?? (parts.Length > 1 ? parts[1] : null), modifier }.OfType<string>());
        return detail.Length == 0 ? $"{locale} — {language}" : $"{locale} — {language} ({detail})";
    }

    private List<Choice> ReadLocales()
    {
        var values = new List<string>();
        if (File.Exists(supportedLocales))
        {
            // Lines are "NAME CHARSET": "en_US.UTF-8 UTF-8", "aa_ER UTF-8", "aa_ER@saaho UTF-8". A name without the
            // charset in it is written with it, as localedef names what it builds ("aa_ER.UTF-8@saaho").
            foreach (var line in File.ReadLines(supportedLocales))
            {
                var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (fields.Length != 2 || fields[1] != "UTF-8")
                {
                    continue;
                }

                var name = fields[0];
                if (!name.Contains(".UTF-8", StringComparison.Ordinal))
                {
                    var at = name.IndexOf('@', StringComparison.Ordinal);
                    name = at < 0 ? name + ".UTF-8" : name[..at] + ".UTF-8" + name[at..];
                }

                values.Add(name);
            }
        }

        if (values.Count == 0)
        {
            values.AddRange(RegionalNames.CommonLocales);
        }

        values.Remove("C.UTF-8");
        return [new Choice("C.UTF-8", LocaleLabel("C.UTF-8")), .. values.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).Select(v => new Choice(v, LocaleLabel(v)))];
    }

    private List<Choice> ReadKeyboards()
    {
        var names = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var dir in keymapDirectories.Where(Directory.Exists))
        {
            var options = new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = true, AttributesToSkip = FileAttributes.None };
            foreach (var file in Directory.EnumerateFiles(dir, "*", options))
            {
                var name = Path.GetFileName(file);
                foreach (var suffix in (string[])[".map.gz", ".kmap.gz", ".map", ".kmap"])
                {
                    if (name.EndsWith(suffix, StringComparison.Ordinal) && name.Length > suffix.Length)
                    {
                        names.Add(name[..^suffix.Length]);
                        break;
                    }
                }
            }
        }

        var values = names.Count > 0 ? [.. names] : RegionalNames.CommonKeymaps.Keys.Order(StringComparer.Ordinal).ToList();
        return values.Select(v => new Choice(v, RegionalNames.CommonKeymaps.TryGetValue(v, out var label) ? $"{v} — {label}" : v)).ToList();
    }

    private List<Choice> ReadTimezones()
    {
        var zones = new List<string>();
        if (Directory.Exists(zoneinfoDirectory))
        {
            var options = new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = true, AttributesToSkip = FileAttributes.None };
            foreach (var file in Directory.EnumerateFiles(zoneinfoDirectory, "*", options))
            {
                var zone = Path.GetRelativePath(zoneinfoDirectory, file);

                // posix/ and right/ repeat the database, Etc/ holds fixed offsets with inverted signs (Etc/GMT+1 is UTC-1):
                // only UTC is worth offering from there. Other top-level files are old aliases (CET, EST5EDT, Zulu).
                if (zone.StartsWith("posix/", StringComparison.Ordinal) || zone.StartsWith("right/", StringComparison.Ordinal)
                    || (zone.StartsWith("Etc/", StringComparison.Ordinal) && zone != "Etc/UTC")
                    || (!zone.Contains('/', StringComparison.Ordinal) && zone != "UTC") || !IsTzif(file))
                {
                    continue;
                }

                zones.Add(zone);
            }
        }

        if (zones.Count == 0)
        {
            zones.AddRange(RegionalNames.CommonTimezones);
        }

        return zones.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)
            .Select(z => new Choice(z, z.Replace('_', ' '))).ToList();
    }

    private static bool IsTzif(string file)
    {
        try
        {
            using var stream = File.OpenRead(file);
            Span<byte> magic = stackalloc byte[4];
            return stream.ReadAtLeast(magic, 4, throwOnEndOfStream: false) == 4 && magic.SequenceEqual("TZif"u8);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }
}
