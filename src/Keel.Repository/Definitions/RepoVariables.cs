using System.Text;

namespace Keel.Repository.Definitions;

/// <summary>
/// dnf's substitution of $name and ${name} in .repo values ($basearch, $arch, $releasever and any user variables).
/// An unknown variable is left as written, as dnf does.
/// </summary>
public sealed class RepoVariables
{
    private readonly Dictionary<string, string> _values;

    public RepoVariables(IReadOnlyDictionary<string, string>? values = null)
    {
        _values = values is null ? [] : new Dictionary<string, string>(values, StringComparer.Ordinal);
    }

    /// <summary>Variables for an architecture: $arch is the arch itself and $basearch its family, as dnf derives them.</summary>
    public static RepoVariables ForArch(string arch, string? releaseVer = null)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["arch"] = arch,
            ["basearch"] = BaseArch(arch),
        };
        if (releaseVer is not null)
        {
            values["releasever"] = releaseVer;
        }

        return new RepoVariables(values);
    }

    /// <summary>dnf's basearch for an arch: the family name the repositories are published under.</summary>
    public static string BaseArch(string arch) => arch switch
    {
        "i386" or "i486" or "i586" or "i686" or "athlon" or "geode" => "i386",
        "x86_64" or "amd64" or "ia32e" or "x86_64_v2" or "x86_64_v3" or "x86_64_v4" => "x86_64",
        "aarch64" or "arm64" => "aarch64",
        "ppc64le" => "ppc64le",
        "s390x" => "s390x",
        "armv7hl" or "armv7hnl" or "armv8hl" => "armhfp",
        "riscv64" => "riscv64",
        _ => arch,
    };

    /// <summary>A copy with <paramref name="name"/> set.</summary>
    public RepoVariables With(string name, string value)
    {
        var copy = new Dictionary<string, string>(_values, StringComparer.Ordinal) { [name] = value };
        return new RepoVariables(copy);
    }

    public bool TryGet(string name, out string value) => _values.TryGetValue(name, out value!);

    /// <summary>Replaces every known $name and ${name} in <paramref name="text"/>.</summary>
    public string Substitute(string text)
    {
        if (!text.Contains('$', StringComparison.Ordinal))
        {
            return text;
        }

        var sb = new StringBuilder(text.Length);
        int i = 0;
        while (i < text.Length)
        {
            char c = text[i];
            if (c != '$' || i + 1 >= text.Length)
            {
                sb.Append(c);
                i++;
                continue;
            }

            if (text[i + 1] == '{')
            {
                int close = text.IndexOf('}', i + 2);
                if (close > 0 && _values.TryGetValue(text[(i + 2)..close], out var braced))
                {
                    sb.Append(braced);
                    i = close + 1;
                    continue;
                }

                sb.Append(c);
                i++;
                continue;
            }

            int end = i + 1;
            while (end < text.Length && (char.IsAsciiLetterOrDigit(text[end]) || text[end] == '_'))
            {
                end++;
            }

            if (end > i + 1 && _values.TryGetValue(text[(i + 1)..end], out var plain))
            {
                sb.Append(plain);
                i = end;
                continue;
            }

            sb.Append(c);
            i++;
        }

        return sb.ToString();
    }
}
