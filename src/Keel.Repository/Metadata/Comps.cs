namespace Keel.Repository.Metadata;

/// <summary>How a group lists a package (comps' packagereq type).</summary>
public enum CompsPackageType
{
    Mandatory,
    Default,
    Optional,

    /// <summary>Installed only when the package named by <see cref="CompsPackage.Requires"/> is installed too.</summary>
    Conditional,
}

/// <summary>A package named by a comps group.</summary>
public sealed record CompsPackage(string Name, CompsPackageType Type, string? Requires = null, string? BaseArchOnly = null);

/// <summary>A comps group: a named set of packages ("@core").</summary>
public sealed record CompsGroup(
    string Id,
    string? Name,
    string? Description,
    bool IsDefault,
    bool UserVisible,
    IReadOnlyList<CompsPackage> Packages,
    string? LangOnly = null);

/// <summary>A group an environment offers as an option, with whether it is chosen by default.</summary>
public sealed record CompsEnvironmentOption(string GroupId, bool IsDefault);

/// <summary>A comps environment: groups that make up a kind of system ("@minimal-environment").</summary>
public sealed record CompsEnvironment(
    string Id,
    string? Name,
    string? Description,
    int? DisplayOrder,
    IReadOnlyList<string> GroupIds,
    IReadOnlyList<CompsEnvironmentOption> Options);

/// <summary>A comps category: groups shown together in an installer.</summary>
public sealed record CompsCategory(string Id, string? Name, string? Description, int? DisplayOrder, IReadOnlyList<string> GroupIds);

/// <summary>A parsed comps document (langpacks are not read).</summary>
public sealed record CompsDocument(IReadOnlyList<CompsGroup> Groups, IReadOnlyList<CompsEnvironment> Environments, IReadOnlyList<CompsCategory> Categories)
{
    /// <summary>An empty document, for repositories without comps.</summary>
    public static CompsDocument Empty { get; } = new([], [], []);
}
