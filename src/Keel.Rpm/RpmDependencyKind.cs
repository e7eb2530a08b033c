using Keel.Packaging;

namespace Keel.Rpm;

/// <summary>The dependency kinds a header carries.</summary>
public enum RpmDependencyKind
{
    Provides,
    Requires,
    Conflicts,
    Obsoletes,
    Recommends,
    Suggests,
    Supplements,
    Enhances,
}

/// <summary>A dependency with rpm's full RPMSENSE flag word (pre, rpmlib, script bits...), not just the comparison.</summary>
public sealed record RpmDependency(Dependency Dependency, uint RawFlags)
{
    /// <summary>RPMSENSE_PREREQ or any RPMSENSE_SCRIPT_* bit: needed before the package's scriptlets run (rpm-md's pre="1").</summary>
    public bool IsPre => (RawFlags & (0x40u | 0x200u | 0x400u | 0x800u | 0x1000u | 0x80u)) != 0;

    /// <summary>RPMSENSE_RPMLIB: an rpmlib() feature dependency.</summary>
    public bool IsRpmLib => (RawFlags & 0x1000000u) != 0;

    public override string ToString() => Dependency.ToString();
}
