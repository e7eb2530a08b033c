using Keel.Packaging;

namespace Keel.Repository.Metadata;

/// <summary>Dependency flag bits beyond the comparison that rpm-md metadata carries.</summary>
public static class RpmMdFlags
{
    /// <summary>rpm's RPMSENSE_PREREQ bit, set on requires that primary.xml marks pre="1" (Requires(pre) and friends).</summary>
    public const DependencyFlags PreRequire = (DependencyFlags)0x40;
}
