using Keel.TargetSystem;

namespace Keel.Provisioning.Engine;

/// <summary>
/// cloud-init's semaphores: instances/ID/sem/config_NAME for per-instance, sem/config_NAME.once for once, and a per-boot
/// marker holding the boot id. A marker is written only after its module succeeded.
/// </summary>
public sealed class Semaphores(TargetRoot root, CloudPaths paths, string bootId)
{
    /// <summary>Whether the module already ran at this frequency.</summary>
    public bool HasRun(string module, Frequency frequency) => frequency switch
    {
        Frequency.Always => false,
        Frequency.PerBoot => root.ReadAllTextOrNull(Path(module, frequency))?.Trim() == bootId,
        _ => root.Exists(Path(module, frequency)),
    };

    /// <summary>Records that the module ran.</summary>
    public void Mark(string module, Frequency frequency, DateTimeOffset now)
    {
        if (frequency == Frequency.Always)
        {
            return;
        }

        var content = frequency == Frequency.PerBoot ? bootId + "\n" : $"keel-agent {now:O}\n";
        root.WriteText(Path(module, frequency), content, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
    }

    private string Path(string module, Frequency frequency) => frequency switch
    {
        Frequency.Once => $"{CloudPaths.GlobalSemDir}/config_{module}.once",
        Frequency.PerBoot => $"{paths.InstanceSemDir}/config_{module}.boot",
        _ => $"{paths.InstanceSemDir}/config_{module}",
    };
}
