using Keel.Installer;
using Keel.Installer.Service.Probes;

namespace Keel.Cli.Commands;

/// <summary>The machine probe `keel installer` uses on the live medium.</summary>
internal static class InstallerProbes
{
    /// <summary>The live machine's probe; the disk holding <paramref name="medium"/> is refused as a target.</summary>
    public static IMachineProbe Live(string medium) => new LiveMachineProbe(new HostSystemAccess(), mediumPath: medium);
}
