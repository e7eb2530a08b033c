using Keel.Config.Model;
using Keel.Installer.Api;

namespace Keel.Installer.Service.Probes;

/// <summary>
/// What the installer service asks of the machine: its disks (judged against a layout), removable volumes, network,
/// SSH keys on removable volumes, writing a file onto one, and loading a keyboard layout. Two kinds: the live machine,
/// and a dry-run profile (a JSON file describing a machine the developer does not have).
/// </summary>
public interface IMachineProbe
{
    /// <summary>True for a profile: nothing is ever written, loaded or powered.</summary>
    bool DryRun { get; }

    /// <summary>The machine's disks, volumes and interfaces; <paramref name="layout"/> null: no size refusal.</summary>
    Task<MachineFacts> GetFactsAsync(StorageConfig? layout, CancellationToken cancellationToken);

    /// <summary>Every public key found on removable volumes (authorized_keys, *.pub, keel/authorized_keys), the bad ones included.</summary>
    Task<IReadOnlyList<FoundKey>> FindKeysAsync(CancellationToken cancellationToken);

    /// <summary>Writes <paramref name="content"/> as <paramref name="fileName"/> at the volume's top; returns where (device:/name, or the profile's directory path).</summary>
    Task<string> SaveToVolumeAsync(string device, string fileName, string content, CancellationToken cancellationToken);

    /// <summary>Loads <paramref name="layout"/> on the console keyboard now.</summary>
    Task<ApplyResult> ApplyKeyboardAsync(string layout, CancellationToken cancellationToken);
}
