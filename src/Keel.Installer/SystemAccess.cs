using Keel.Processes;

namespace Keel.Installer;

/// <summary>
/// The few things the installer asks of the live system besides the engine: finding filesystems by label (blkid),
/// mounting read-only, reading a file off a FAT filesystem in user space (mtools), and running tools with their output
/// logged. Behind an interface so tests describe a machine instead of probing the host's disks.
/// </summary>
public interface ISystemAccess
{
    /// <summary>Devices holding a filesystem labelled <paramref name="label"/> (blkid -t LABEL=...), in blkid's order.</summary>
    Task<IReadOnlyList<string>> FindByLabelAsync(string label, CancellationToken cancellationToken);

    /// <summary>Devices holding a filesystem of <paramref name="type"/> (blkid -t TYPE=...).</summary>
    Task<IReadOnlyList<string>> FindByTypeAsync(string type, CancellationToken cancellationToken);

    /// <summary>The filesystem type on <paramref name="device"/> (blkid -s TYPE), or null.</summary>
    Task<string?> FilesystemTypeAsync(string device, CancellationToken cancellationToken);

    /// <summary>Mounts <paramref name="device"/> read-only at <paramref name="mountPoint"/> (made if missing).</summary>
    Task MountReadOnlyAsync(string device, string mountPoint, string? type, CancellationToken cancellationToken);

    /// <summary>Unmounts <paramref name="mountPoint"/>; failures are ignored (it is cleanup).</summary>
    Task UnmountAsync(string mountPoint, CancellationToken cancellationToken);

    /// <summary>Copies <paramref name="name"/> from the FAT filesystem on <paramref name="device"/> to <paramref name="destination"/> (mcopy); false when it is not there.</summary>
    Task<bool> CopyFromFatAsync(string device, string name, string destination, CancellationToken cancellationToken);

    /// <summary>Runs a tool; the result is logged by the caller. Throws IOException when it cannot start or (unless allowed) fails.</summary>
    Task<ToolResult> RunAsync(string tool, IReadOnlyList<string> arguments, bool allowFailure, CancellationToken cancellationToken);
}

/// <summary>The real system: blkid, mount, umount and mcopy through Keel.Processes.</summary>
public sealed class HostSystemAccess : ISystemAccess
{
    public async Task<IReadOnlyList<string>> FindByLabelAsync(string label, CancellationToken cancellationToken) =>
        await DevicesAsync(["-o", "device", "-t", "LABEL=" + label], cancellationToken).ConfigureAwait(false);

    public async Task<IReadOnlyList<string>> FindByTypeAsync(string type, CancellationToken cancellationToken) =>
        await DevicesAsync(["-o", "device", "-t", "TYPE=" + type], cancellationToken).ConfigureAwait(false);

    public async Task<string?> FilesystemTypeAsync(string device, CancellationToken cancellationToken)
    {
        var result = await RunAsync("blkid", ["-o", "value", "-s", "TYPE", device], allowFailure: true, cancellationToken).ConfigureAwait(false);
        return result.ExitCode == 0 && result.Output.Trim() is { Length: > 0 } type ? type : null;
    }

    public async Task MountReadOnlyAsync(string device, string mountPoint, string? type, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(mountPoint);
        List<string> args = type is null ? ["-o", "ro", device, mountPoint] : ["-o", "ro", "-t", type, device, mountPoint];
        await RunAsync("mount", args, allowFailure: false, cancellationToken).ConfigureAwait(false);
    }

    public async Task UnmountAsync(string mountPoint, CancellationToken cancellationToken) =>
        await RunAsync("umount", [mountPoint], allowFailure: true, cancellationToken).ConfigureAwait(false);

    public async Task<bool> CopyFromFatAsync(string device, string name, string destination, CancellationToken cancellationToken)
    {
        var result = await RunAsync("mcopy", ["-n", "-i", device, "::" + name, destination], allowFailure: true, cancellationToken).ConfigureAwait(false);
        return result.ExitCode == 0 && File.Exists(destination);
    }

    public Task<ToolResult> RunAsync(string tool, IReadOnlyList<string> arguments, bool allowFailure, CancellationToken cancellationToken) =>
        ToolRunner.RunAsync(new ToolOptions { AllowFailure = allowFailure, Timeout = TimeSpan.FromMinutes(2) }, tool, arguments, cancellationToken);

    // blkid exits 2 when nothing matches: that is an empty list, not a failure.
    private async Task<IReadOnlyList<string>> DevicesAsync(string[] args, CancellationToken cancellationToken)
    {
        var result = await RunAsync("blkid", args, allowFailure: true, cancellationToken).ConfigureAwait(false);
        return result.ExitCode == 0 ? result.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) : [];
    }
}

/// <summary>What the installer does to the machine when it is done: reboot or power off. An interface so tests never power off the host.</summary>
public interface IPowerControl
{
    /// <summary>Flushes and restarts the machine.</summary>
    void Reboot();

    /// <summary>Flushes and powers the machine off.</summary>
    void PowerOff();
}

/// <summary>
/// Reboots or powers off without systemctl (the fixture's init is busybox): `reboot -f` / `poweroff -f` after sync, and
/// the kernel's sysrq trigger when those tools are missing or return.
/// </summary>
public sealed class SystemPowerControl(string sysrqTrigger = "/proc/sysrq-trigger") : IPowerControl
{
    public void Reboot() => Act("reboot", 'b');

    public void PowerOff() => Act("poweroff", 'o');

    private void Act(string tool, char sysrq)
    {
        foreach (var (program, args, timeout) in (ReadOnlySpan<(string, string[], int)>)[("sync", [], 60), (tool, ["-f"], 30)])
        {
            try
            {
                ToolRunner.Run(new ToolOptions { AllowFailure = true, Timeout = TimeSpan.FromSeconds(timeout) }, program, args);
            }
            catch (Exception e) when (e is IOException or TimeoutException)
            {
                // Not installed or hung: the sysrq trigger below syncs and acts by itself.
            }
        }

        // Still here: the tool is missing or did not act. sysrq 's' syncs, then 'b' reboots / 'o' powers off at once.
        File.WriteAllText(sysrqTrigger, "s");
        File.WriteAllText(sysrqTrigger, sysrq.ToString());
    }
}
