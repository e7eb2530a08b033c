using Keel.Packaging;
using Keel.Rpm;

namespace Keel.RpmDb;

/// <summary>One package recorded in an rpmdb: its metadata, when it was installed, and the full header.</summary>
/// <param name="HeaderNumber">rpm's header number (hnum / ndb package index).</param>
public sealed record InstalledPackage(PackageMetadata Metadata, DateTimeOffset? InstallTime, RpmHeader Header, long HeaderNumber)
{
    public override string ToString() => Metadata.Nevra;
}
