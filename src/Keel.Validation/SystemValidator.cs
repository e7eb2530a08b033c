using Keel.ImageManifest;
using Keel.RpmDb;

namespace Keel.Validation;

/// <summary>
/// Runs every check of a certified image against a root tree: release identity, the manifest and its signature,
/// package signatures, packaged files, and platform security. Used by `keel validate` on a host and by
/// `keel-validate` inside the machine; the root is read as hostile (nothing is followed out of it, nothing written).
/// </summary>
public static class SystemValidator
{
    /// <summary>Validates the root and returns every line; never throws for what it finds, only for unusable options.</summary>
    /// <exception cref="DirectoryNotFoundException">The root cannot be opened.</exception>
    /// <exception cref="FileNotFoundException">A key file given in the options does not exist.</exception>
    public static ValidationReport Validate(ValidationOptions options, string description)
    {
        ArgumentNullException.ThrowIfNull(options);
        using var root = ConfinedRoot.Open(options.Root);
        var results = new List<ValidationResult>();

        RpmDatabase? database = null;
        try
        {
            database = RpmDatabase.Open(options.Root);
        }
        catch (Exception e) when (e is FileNotFoundException or NotSupportedException or InvalidDataException or IOException)
        {
            results.Add(new ValidationResult("rpmdb", ValidationStatus.Fail, string.Empty, e.Message));
        }

        var installed = database?.Packages;
        var accounts = RootAccounts.Read(root);

        // Hashing every packaged file is most of the work and needs nothing the other checks compute, so it runs beside
        // them (key ring, manifest, header signatures) instead of after; the report keeps the same order.
        var files = installed is null ? null : Task.Run(() => FileIntegrityCheck.Run(installed, root, accounts).ToList());
        var keys = TrustedKeys.Load(options, root, database);

        ImageManifestDocument? manifest = null;
        var manifestLines = ManifestCheck.Run(root, keys, installed, m => manifest = m).ToList();
        results.AddRange(ReleaseIdentityCheck.Run(root, installed, manifest));
        results.AddRange(manifestLines);
        if (installed is not null && files is not null)
        {
            results.AddRange(PackageSignatureCheck.Run(installed, keys));
            results.AddRange(files.GetAwaiter().GetResult());
        }

        results.AddRange(PlatformSecurityCheck.Run(root, installed, options));
        return new ValidationReport(description, results);
    }
}
