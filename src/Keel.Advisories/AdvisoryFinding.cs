using Keel.Packaging;
using Keel.Repository.Metadata;

namespace Keel.Advisories;

/// <summary>One advisory package that applies to an installed package: the advisory, what is installed, what fixes it.</summary>
/// <param name="Repository">The id of the repository whose updateinfo holds the advisory.</param>
/// <param name="Installed">The newest installed package of the same name and arch.</param>
/// <param name="Fixed">The advisory's package (its EVR is the fixed version).</param>
public sealed record AdvisoryFinding(Advisory Advisory, string Repository, SystemPackage Installed, AdvisoryPackage Fixed)
{
    public AdvisorySeverity Severity => AdvisorySeverities.FromText(Advisory.Severity);

    public Evr FixedEvr => Fixed.Evr;
}
