using Keel.Packaging;

namespace Keel.Solver;

/// <summary>What a job asks for.</summary>
public enum SolverJobKind
{
    /// <summary>Install one package matching the selector (a match that is already installed satisfies it).</summary>
    Install,

    /// <summary>Remove every installed package matching the selector.</summary>
    Erase,

    /// <summary>Upgrade the installed packages matching the selector to the best available version.</summary>
    Upgrade,

    /// <summary>Upgrade every installed package (the selector is ignored).</summary>
    UpgradeAll,

    /// <summary>Keep matching installed packages exactly as they are and never install other matching packages.</summary>
    Lock,

    /// <summary>
    /// Make every installed package the best version the repositories have of its name (downgrading if need be);
    /// packages no repository has (orphans) stay unless they get in the way. The selector is ignored.
    /// </summary>
    DistUpgrade,

    /// <summary>Prefer the matching packages whenever the solver chooses among alternatives (a later job wins).</summary>
    Favor,

    /// <summary>Put the matching packages last among alternatives and do not install them for weak dependencies.</summary>
    Disfavor,
}

/// <summary>One request to the solver.</summary>
public sealed record SolverJob(SolverJobKind Kind, PackageSelector Selector)
{
    /// <summary>Install what a dnf-style spec names (see <see cref="PackageSelector.Spec"/>).</summary>
    public static SolverJob Install(string spec) => new(SolverJobKind.Install, PackageSelector.Spec(spec));

    /// <summary>Install exactly one of the given pool packages (an expanded comps group entry, for instance).</summary>
    public static SolverJob InstallOneOf(IReadOnlyList<PackageMetadata> packages) => new(SolverJobKind.Install, new OneOfSelector(packages));

    /// <summary>Remove the installed packages a spec names.</summary>
    public static SolverJob Erase(string spec) => new(SolverJobKind.Erase, PackageSelector.Spec(spec));

    /// <summary>Upgrade the installed packages a spec names.</summary>
    public static SolverJob Upgrade(string spec) => new(SolverJobKind.Upgrade, PackageSelector.Spec(spec));

    /// <summary>Upgrade everything installed.</summary>
    public static SolverJob UpgradeAll() => new(SolverJobKind.UpgradeAll, new OneOfSelector([]));

    /// <summary>Distribution upgrade of everything installed (dnf distro-sync).</summary>
    public static SolverJob DistUpgradeAll() => new(SolverJobKind.DistUpgrade, new OneOfSelector([]));

    public override string ToString() => Kind == SolverJobKind.UpgradeAll ? "upgrade all" : Kind == SolverJobKind.DistUpgrade ? "distupgrade all" : $"{Kind.ToString().ToLowerInvariant()} {Selector}";
}

/// <summary>Which packages a job is about.</summary>
public abstract record PackageSelector
{
    /// <summary>
    /// A spec as dnf reads one: a path starting with '/' names the packages owning or providing that file;
    /// "name OP evr" is a provide; otherwise packages of that exact name, then NEVRA forms (name-ver-rel.arch,
    /// name-ver-rel, name.arch, name-ver), then packages providing it.
    /// </summary>
    public static PackageSelector Spec(string spec)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(spec);
        spec = spec.Trim();
        if (spec.StartsWith('/'))
        {
            return new ProvidesSelector(new Dependency(spec));
        }

        if (spec.StartsWith('(') || spec.Contains(' ', StringComparison.Ordinal))
        {
            return new ProvidesSelector(Dependency.Parse(spec));
        }

        return new SpecSelector(spec);
    }

    /// <summary>Packages whose name is exactly <paramref name="name"/>.</summary>
    public static PackageSelector Name(string name) => new NameSelector(name);

    /// <summary>Packages providing <paramref name="dependency"/> (names, virtual provides and files).</summary>
    public static PackageSelector Provides(Dependency dependency) => new ProvidesSelector(dependency);
}

/// <summary>Packages of one exact name.</summary>
public sealed record NameSelector(string PackageName) : PackageSelector
{
    public override string ToString() => PackageName;
}

/// <summary>Packages providing a dependency (a file path counts as provided by its owners).</summary>
public sealed record ProvidesSelector(Dependency Dependency) : PackageSelector
{
    public override string ToString() => Dependency.ToString();
}

/// <summary>A dnf-style spec resolved at solve time (name, then NEVRA forms, then provides).</summary>
public sealed record SpecSelector(string Text) : PackageSelector
{
    public override string ToString() => Text;
}

/// <summary>An explicit list of pool packages.</summary>
public sealed record OneOfSelector(IReadOnlyList<PackageMetadata> Packages) : PackageSelector
{
    public override string ToString() => "one of " + string.Join(", ", Packages.Select(p => p.Nevra));
}
