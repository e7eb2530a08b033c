using Keel.Packaging;

namespace Keel.Advisories;

/// <summary>An installed package as scan and diff compare it: name, EVR and arch.</summary>
public sealed record SystemPackage(string Name, Evr Evr, string Arch)
{
    /// <summary>NAME-[EPOCH:]VERSION-RELEASE.ARCH.</summary>
    public string Nevra => $"{Name}-{Evr}.{Arch}";

    public override string ToString() => Nevra;
}
