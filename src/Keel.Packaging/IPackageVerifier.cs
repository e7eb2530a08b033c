namespace Keel.Packaging;

/// <summary>
/// Checks a downloaded package file before anything uses it (signature, header and payload digests).
/// The repository layer calls it; the RPM layer implements it, so neither depends on the other.
/// </summary>
public interface IPackageVerifier
{
    /// <summary>Throws <see cref="InvalidDataException"/> naming the file and the reason when the package must not be used.</summary>
    void Verify(string path, PackageMetadata expected);
}
