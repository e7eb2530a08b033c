using Keel.Installer.Service.Probes;

namespace Keel.Cli.Commands;

/// <summary>The machine probe `keel installer` uses on the live medium.</summary>
internal static class InstallerProbes
{
    /// <summary>The live machine's probe, judging disks against the medium at <paramref name="medium"/>.</summary>
    public static IMachineProbe Live(string medium) =>
        throw new NotSupportedException($"the interactive installer's live machine probe is not in this build (medium {medium}); use --dry-run --profile FILE or give a config");
}
