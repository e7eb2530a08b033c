using Keel.OpenPgp;
using Keel.Rpm;
using Keel.RpmDb;

namespace Keel.Validation;

/// <summary>The keys package and manifest signatures are checked against, and where they came from.</summary>
internal sealed record TrustedKeys(OpenPgpKeyRing? Ring, string Source)
{
    /// <summary>The root's key directory: what the release ships for dnf and rpm to trust.</summary>
    public const string KeyDirectory = "etc/pki/rpm-gpg";

    /// <summary>
    /// The keys given on the command line when there are any; otherwise the release's own: every key file in
    /// etc/pki/rpm-gpg and every gpg-pubkey entry of the rpmdb (what rpm itself trusts).
    /// </summary>
    public static TrustedKeys Load(ValidationOptions options, ConfinedRoot root, RpmDatabase? database)
    {
        if (options.TrustedKeyFiles.Count > 0)
        {
            var ring = OpenPgpKeyRing.Combine(options.TrustedKeyFiles.Select(OpenPgpKeyRing.Load));
            return new TrustedKeys(ring, $"{ring.KeyIds.Count} key(s) from {string.Join(", ", options.TrustedKeyFiles)}");
        }

        var rings = new List<OpenPgpKeyRing>();
        int files = 0;
        foreach (var name in root.List(KeyDirectory).Order(StringComparer.Ordinal))
        {
            if (root.ReadAllBytes($"{KeyDirectory}/{name}", follow: false) is { } bytes && TryParse(bytes, $"{KeyDirectory}/{name}") is { } ring)
            {
                rings.Add(ring);
                files++;
            }
        }

        int pubkeys = 0;
        foreach (var package in database?.Packages ?? [])
        {
            if (package.Metadata.Name == "gpg-pubkey" && package.Header.GetString(RpmTags.Description) is { } armored
                && TryParse(System.Text.Encoding.UTF8.GetBytes(armored), package.Metadata.Nevra) is { } ring)
            {
                rings.Add(ring);
                pubkeys++;
            }
        }

        if (rings.Count == 0)
        {
            return new TrustedKeys(null, $"no keys in /{KeyDirectory} or the rpmdb");
        }

        var combined = OpenPgpKeyRing.Combine(rings);
        return new TrustedKeys(combined, $"{combined.KeyIds.Count} key(s) the release trusts ({files} in /{KeyDirectory}, {pubkeys} gpg-pubkey in the rpmdb)");
    }

    private static OpenPgpKeyRing? TryParse(byte[] bytes, string source)
    {
        try
        {
            return OpenPgpKeyRing.Parse(bytes, source);
        }
        catch (InvalidDataException)
        {
            return null;
        }
    }
}
