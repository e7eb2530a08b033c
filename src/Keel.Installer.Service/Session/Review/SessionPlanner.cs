using Keel.Config.Loading;
using Keel.Config.Presets;
using Keel.Config.Validation;
using Keel.Install;
using Keel.Install.Devices;
using Keel.Install.Engine;
using Keel.Install.Planning;
using Keel.Installer.Api;

namespace Keel.Installer.Service.Session.Review;

/// <summary>
/// Makes the engine's plan for the session's config onto the chosen disk. On a real machine that is
/// <see cref="InstallEngine.PlanDevice"/> (the guard's refusals, the device read for the fingerprint). In dry-run the
/// profile's disk does not exist: the plan is made by the same <see cref="Planner"/> and target rules against the
/// profile's facts (its size, by-id name, 512-byte sectors), so nothing of the host is read or touched.
/// </summary>
public sealed class SessionPlanner(InstallerSessionOptions options)
{
    /// <summary>The engine options an install of this session runs with (the record is the live install's).</summary>
    public EngineOptions EngineOptions(InstallRecord? record) => new()
    {
        MediumPath = options.MediumDirectory,
        Record = record,
        SourceDateEpoch = options.Installer.SourceDateEpoch,
        Cache = options.Cache,
    };

    /// <summary>The plan of <paramref name="loaded"/> onto <paramref name="disk"/>; throws the engine's refusals.</summary>
    public Plan Plan(LoadedConfig loaded, DiskFacts disk, InstallRecord? record)
    {
        ArgumentNullException.ThrowIfNull(loaded);
        ArgumentNullException.ThrowIfNull(disk);
        var request = PackageRequest.Build(loaded, options.Presets);
        if (!options.DryRun)
        {
            return new InstallEngine(EngineOptions(record)).PlanDevice(loaded, request, disk.Path);
        }

        var facts = ProfileFacts(disk);
        var findings = TargetRules.ForDevice(loaded, disk.Path, facts.LogicalSectorSize);
        if (findings.Count > 0)
        {
            throw new InvalidDataException(findings[0].Message.StartsWith(disk.Path, StringComparison.Ordinal) ? findings[0].Message : $"{disk.Path}: {findings[0].Message}");
        }

        return Planner.Build(loaded, request, new PlanTarget(PlanTargetKind.Device, disk.Path, disk.SizeBytes, null), facts, record);
    }

    /// <summary>A profile's disk as device facts: what the fingerprint covers, taken from the profile instead of the device.</summary>
    public static DeviceFacts ProfileFacts(DiskFacts disk)
    {
        ArgumentNullException.ThrowIfNull(disk);
        var byId = disk.ById is { Length: > 0 } id ? [Path.GetFileName(id)] : Array.Empty<string>();
        var table = disk.Partitions.Count == 0 ? "dry run: blank" : "dry run: " + string.Join(";", disk.Partitions.Select(p => $"{p.Path} {p.SizeBytes} {p.FsType} {p.Label}"));
        return new DeviceFacts(disk.Path, disk.SizeBytes, 512, 512, byId, null, table);
    }
}
