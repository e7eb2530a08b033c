using System.Text;

namespace Keel.Sbom;

/// <summary>
/// Package URLs (purl) of type rpm: <c>pkg:rpm/NAMESPACE/NAME@VERSION-RELEASE?arch=ARCH&amp;distro=ID-VERSION_ID&amp;epoch=E</c>,
/// as the purl specification's rpm type defines them (namespace = the distribution's lowercase id, qualifiers sorted).
/// </summary>
public static class PackageUrl
{
    /// <summary>The purl of an installed package; <paramref name="distroId"/> and <paramref name="distroVersion"/> may be null.</summary>
    public static string ForRpm(InventoryPackage package, string? distroId, string? distroVersion)
    {
        ArgumentNullException.ThrowIfNull(package);
        var sb = new StringBuilder("pkg:rpm/");
        if (!string.IsNullOrEmpty(distroId))
        {
            sb.Append(Encode(distroId.ToLowerInvariant())).Append('/');
        }

        sb.Append(Encode(package.Name)).Append('@').Append(Encode(package.Evr.Version));
        if (package.Evr.Release is { } release)
        {
            sb.Append('-').Append(Encode(release));
        }

        var qualifiers = new List<(string Key, string Value)>();
        if (package.Arch != "(none)")
        {
            qualifiers.Add(("arch", package.Arch));
        }

        if (!string.IsNullOrEmpty(distroId))
        {
            qualifiers.Add(("distro", string.IsNullOrEmpty(distroVersion) ? distroId.ToLowerInvariant() : $"{distroId.ToLowerInvariant()}-{distroVersion}"));
        }

        if (package.Evr.EpochNumber != 0)
        {
            qualifiers.Add(("epoch", package.Evr.Epoch!));
        }

        char separator = '?';
        foreach (var (key, value) in qualifiers.OrderBy(q => q.Key, StringComparer.Ordinal))
        {
            sb.Append(separator).Append(key).Append('=').Append(Encode(value));
            separator = '&';
        }

        return sb.ToString();
    }

    /// <summary>Percent-encodes everything but the purl specification's unreserved characters (so '+' is %2B).</summary>
    public static string Encode(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var sb = new StringBuilder(text.Length);
        foreach (var b in Encoding.UTF8.GetBytes(text))
        {
            char c = (char)b;
            if (char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_' or '~')
            {
                sb.Append(c);
            }
            else
            {
                sb.Append('%').Append(b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
            }
        }

        return sb.ToString();
    }
}
