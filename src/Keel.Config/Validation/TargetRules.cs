using Keel.Config.Loading;
using Keel.Errors;

namespace Keel.Config.Validation;

/// <summary>
/// What the engine cannot carry out on one particular install device, found from the config and facts read from the
/// device (never by writing to it); `keel plan --device` reports these beside the config's own diagnostics.
/// </summary>
public static class TargetRules
{
    /// <summary>The only logical sector size the partitioner and the file-system makers write.</summary>
    public const int SupportedSectorSize = 512;

    /// <summary>Every finding about installing <paramref name="loaded"/> onto <paramref name="device"/>, whose logical sector size is <paramref name="logicalSectorSize"/>.</summary>
    public static List<ConfigDiagnostic> ForDevice(LoadedConfig loaded, string device, int logicalSectorSize)
    {
        ArgumentNullException.ThrowIfNull(loaded);
        var found = new List<ConfigDiagnostic>();
        void Error(string path, string message, string? hint)
        {
            var (line, column) = loaded.Map.Find(path);
            found.Add(new ConfigDiagnostic(Severity.Error, path, line, column, message, hint));
        }

        if (logicalSectorSize != SupportedSectorSize)
        {
            Error("storage", $"{device}: logical sector size {logicalSectorSize} is not supported (only {SupportedSectorSize}-byte sectors)",
                "use a disk with 512-byte logical sectors; 512e disks are fine");
        }

        return [.. found.OrderBy(d => d.Line).ThenBy(d => d.Column)];
    }
}
