using Keel.Config.Loading;

namespace Keel.Install.Steps;

/// <summary>packages.resolve: the preset's packages plus include, minus exclude, solved against the config's repositories.</summary>
public sealed class PackagesResolveStep() : InstallStep("packages.resolve", "Resolve packages")
{
    public override IEnumerable<string> Details(PlanningContext plan)
    {
        var config = plan.Config;
        var request = plan.Request;
        return
        [
            $"preset '{request.Preset.Name}' ({request.PresetFile}): {request.Preset.Packages.Count} packages",
            $"include: {ListOrNone(config.Packages.Include)}; exclude: {ListOrNone(config.Packages.Exclude)}",
            .. request.Mappings.Select(m => $"'{m.Requested}' is named '{m.Name}' in {config.Distribution}"),
            .. config.Repositories.Select(r => $"repository {r.Id}: {(r.Baseurl ?? plan.Loaded.Resolve(r.Path!))} (gpgcheck {(r.Gpgcheck ? "on" : "off")}, priority {r.Priority})"),
            $"architecture {ConfigNames.EnumValue(config.Arch)}",
        ];
    }

    public override async Task RunAsync(InstallRun run, CancellationToken cancellationToken)
    {
        run.Packages = new PackageInstallStep(new PackageInstallOptions { Cache = run.Options.Cache, SourceDateEpoch = run.Options.SourceDateEpoch, Pin = run.Options.Pin });
        await run.Packages.ResolveAsync(run.Loaded, run.Plan.Request, run.RootPath, run.Progress, cancellationToken).ConfigureAwait(false);
    }
}

/// <summary>packages.download: every resolved package fetched and verified (checksum, digests, signature where gpgcheck is on).</summary>
public sealed class PackagesDownloadStep() : InstallStep("packages.download", "Download and verify packages")
{
    public override IEnumerable<string> Details(PlanningContext plan) => ["into the package cache; signatures checked against each repository's keys where gpgcheck is on"];

    public override Task RunAsync(InstallRun run, CancellationToken cancellationToken) =>
        Resolved(run).DownloadAsync(run.Progress, cancellationToken);

    internal static PackageInstallStep Resolved(InstallRun run) => run.Packages ?? throw new InvalidOperationException("packages.resolve has not run");
}

/// <summary>packages.install: one `rpm --root` transaction of the downloaded set into the staging root.</summary>
public sealed class PackagesInstallStep() : InstallStep("packages.install", "Install packages")
{
    public override IEnumerable<string> Details(PlanningContext plan) =>
        [$"rpm --root <target> of the resolved set ({plan.Request.Install.Count} requested and their dependencies); scriptlets run in the target"];

    public override async Task RunAsync(InstallRun run, CancellationToken cancellationToken)
    {
        var installed = await PackagesDownloadStep.Resolved(run).InstallAsync(run.Progress, cancellationToken).ConfigureAwait(false);
        run.InstalledPackages = installed.Installed.Select(p => $"{p.Name}-{p.Evr.Version}-{p.Evr.Release}.{p.Arch}").Order(StringComparer.Ordinal).ToList();
    }
}
