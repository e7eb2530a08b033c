using Keel.Processes;

namespace Keel.Installer.Tests;

/// <summary>A machine described by the test: labelled filesystems and FAT files; nothing is mounted or run.</summary>
internal sealed class FakeSystem : ISystemAccess
{
    public Dictionary<string, List<string>> Labels { get; } = [];

    /// <summary>(device, file name) to the file's text on a FAT filesystem.</summary>
    public Dictionary<(string Device, string Name), string> FatFiles { get; } = [];

    public List<string> Ran { get; } = [];

    public Task<IReadOnlyList<string>> FindByLabelAsync(string label, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<string>>(Labels.TryGetValue(label, out var d) ? d : []);

    public Task<IReadOnlyList<string>> FindByTypeAsync(string type, CancellationToken cancellationToken) => Task.FromResult<IReadOnlyList<string>>([]);

    public Task<string?> FilesystemTypeAsync(string device, CancellationToken cancellationToken) => Task.FromResult<string?>("vfat");

    public Task MountReadOnlyAsync(string device, string mountPoint, string? type, CancellationToken cancellationToken) =>
        throw new IOException($"{device}: the fake system mounts nothing");

    public Task UnmountAsync(string mountPoint, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task<bool> CopyFromFatAsync(string device, string name, string destination, CancellationToken cancellationToken)
    {
        if (!FatFiles.TryGetValue((device, name), out var text))
        {
            return Task.FromResult(false);
        }

        File.WriteAllText(destination, text);
        return Task.FromResult(true);
    }

    public Task<ToolResult> RunAsync(string tool, IReadOnlyList<string> arguments, bool allowFailure, CancellationToken cancellationToken)
    {
        Ran.Add($"{tool} {string.Join(' ', arguments)}");
        return Task.FromResult(new ToolResult(0, "", ""));
    }
}

/// <summary>Records what the installer asked of the power switch instead of doing it.</summary>
internal sealed class RecordingPower : IPowerControl
{
    public List<string> Actions { get; } = [];

    public void Reboot() => Actions.Add("reboot");

    public void PowerOff() => Actions.Add("poweroff");
}
