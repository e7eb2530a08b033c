using Keel.Config.Presets;
using Keel.Install;
using Keel.Packaging;
using Keel.Repository;
using Keel.Repository.Resolution;
using Keel.Solver;

namespace Keel.Installer.Service.Session.Packages;

/// <summary>A resolved package set: what the request asked for, everything the solver chose, the pool it chose from, and what failed.</summary>
public sealed record ResolvedSelection(
    IReadOnlyList<string> Requested,
    IReadOnlyList<PackageMetadata> Packages,
    Pool? Pool,
    IReadOnlyList<string> Problems)
{
    /// <summary>Who asked for each requested spec ("the preset container-host", "your addition"), for why-chains.</summary>
    public IReadOnlyList<Keel.Installer.Service.Packages.RequestedPackage> Origins { get; init; } = [];

    /// <summary>The installed size of every chosen package.</summary>
    public long InstalledBytes => Packages.Sum(p => p.InstalledSize);
}

/// <summary>
/// Resolves a package request the way the engine's packages.resolve step does (PackageInstallStep): excluded names
/// hidden from the pool, the request's specs turned into jobs, the solver run once; problems are returned, not thrown.
/// </summary>
public static class PackageSelectionResolver
{
    /// <summary>Resolves <paramref name="install"/> minus <paramref name="exclude"/> against <paramref name="repositories"/> for <paramref name="arch"/>.</summary>
    public static ResolvedSelection Resolve(IReadOnlyList<string> install, IReadOnlyList<string> exclude, IReadOnlyList<LoadedRepository> repositories, string arch)
    {
        var pool = PackageSpecResolver.BuildPool(repositories, arch, exclude);
        SpecJobs jobs;
        try
        {
            jobs = PackageSpecResolver.Jobs(install, repositories, pool);
        }
        catch (InvalidDataException ex)
        {
            return new ResolvedSelection(install, [], pool, [ex.Message]);
        }

        var result = Keel.Solver.Solver.Solve(pool, jobs.Jobs, new SolverOptions());
        return result.Succeeded
            ? new ResolvedSelection(install, [.. result.Transaction!.Install.OrderBy(p => p.Name, StringComparer.Ordinal)], pool, [])
            : new ResolvedSelection(install, [], pool, [.. result.Problems.Select(p => p.Message)]);
    }

    /// <summary>Resolves a request built by the engine's <see cref="PackageRequest"/> (preset, includes, excludes, the name map).</summary>
    public static ResolvedSelection Resolve(PackageRequest request, IReadOnlyList<LoadedRepository> repositories, Keel.Config.Model.MachineArchitecture arch)
    {
        ArgumentNullException.ThrowIfNull(request);
        return Resolve(request.Install, request.Exclude, repositories, ConfigRepositories.ArchName(arch));
    }
}
