using Keel.Config.Loading;
using Keel.Config.Model;
using Keel.DiskImages;
using Keel.Install.Devices;
using Keel.Install.Engine;
using Keel.Install.Planning;
using Keel.Install.Storage;
using Keel.Progress;
using Keel.TargetSystem;

namespace Keel.Install.Steps;

/// <summary>
/// The state of one execution of a plan, handed from step to step: the work area and staging root, the packages, the
/// boot command line. Disposing it removes the work area and a partial image, also after a failure.
/// </summary>
public sealed class InstallRun : IDisposable
{
    private readonly IProgress<EngineEvent> _progress;

    internal InstallRun(Plan plan, EngineOptions options, IProgress<EngineEvent> progress)
    {
        Plan = plan;
        Options = options;
        _progress = progress;
        Layout = DiskLayout.From(plan.Partitions, plan.Loaded.Config.Seed, options.SourceDateEpoch);
        Now = options.SourceDateEpoch is { } e ? DateTimeOffset.FromUnixTimeSeconds(e) : DateTimeOffset.UtcNow;
    }

    /// <summary>The plan being executed.</summary>
    public Plan Plan { get; }

    /// <summary>Cache, SOURCE_DATE_EPOCH and the device guard.</summary>
    public EngineOptions Options { get; }

    /// <summary>The partitions with their GUIDs and UUIDs (derived from the seed, else random for this run).</summary>
    public DiskLayout Layout { get; }

    /// <summary>The time stamped into files (SOURCE_DATE_EPOCH, else now).</summary>
    public DateTimeOffset Now { get; }

    /// <summary>The config the plan was made from.</summary>
    public LoadedConfig Loaded => Plan.Loaded;

    /// <summary>The config model.</summary>
    public MachineConfig Config => Plan.Loaded.Config;

    /// <summary>The step running now; <see cref="Report"/> reports for it.</summary>
    public string StepId { get; internal set; } = "";

    /// <summary>The scratch directory (storage.check makes it).</summary>
    public WorkArea? Work { get; internal set; }

    /// <summary>The package steps' state: repositories, the resolved set, the downloaded files.</summary>
    public PackageInstallStep? Packages { get; internal set; }

    /// <summary>NAME-VERSION-RELEASE.ARCH of every installed package, sorted.</summary>
    public IReadOnlyList<string> InstalledPackages { get; internal set; } = [];

    /// <summary>The kernel command line the boot loader step wrote.</summary>
    public string KernelCommandLine { get; internal set; } = "";

    /// <summary>The staging root inside the work area.</summary>
    public string RootPath => Path.Combine(Work?.Path ?? throw new InvalidOperationException("storage.check has not made the work area"), "root");

    /// <summary>The staging root, with root-confined writes.</summary>
    public TargetRoot Root => new(RootPath);

    /// <summary>Reports progress of the running step.</summary>
    public void Report(string message, int done = 1, int total = 1, long? bytes = null) => _progress.Report(new ProgressEvent(StepId, message, done, total, bytes));

    /// <summary>The sink for code that reports its own events (the package step).</summary>
    public IProgress<EngineEvent> Progress => _progress;

    /// <summary>The whole-disk lock held from partitioning until the file systems are made (device installs only).</summary>
    internal BlockDeviceLock? DiskLock { get; set; }

    /// <summary>Releases the whole-disk lock, letting udev run the events it postponed.</summary>
    internal void ReleaseDiskLock()
    {
        DiskLock?.Dispose();
        DiskLock = null;
    }

    public void Dispose()
    {
        ReleaseDiskLock();
        Packages?.Dispose();
        Work?.Dispose();
        if (Plan.Target.Kind == PlanTargetKind.Image)
        {
            File.Delete(Plan.Target.WritePath);
        }
    }
}
