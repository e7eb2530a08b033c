using System.Diagnostics;
using System.Globalization;

namespace Keel.Install.Engine;

/// <summary>
/// The engine's scratch directory beside the output (so moves into the image stay renames): created fresh for each run,
/// removed at the end, and swept on the next run when a killed run (kill -9) left it behind.
/// </summary>
public sealed class WorkArea : IDisposable
{
    private const string OwnerFile = "keel.pid";

    private WorkArea(string path) => Path = path;

    /// <summary>The directory.</summary>
    public string Path { get; }

    /// <summary>Creates the work area for <paramref name="output"/> after removing areas of dead runs for the same output.</summary>
    public static WorkArea Create(string output)
    {
        var dir = System.IO.Path.GetDirectoryName(output)!;
        var prefix = $".{System.IO.Path.GetFileName(output)}.keel-";
        foreach (var stale in Directory.EnumerateDirectories(dir, prefix + "*"))
        {
            if (!OwnerAlive(stale))
            {
                Directory.Delete(stale, recursive: true);
            }
        }

        var path = System.IO.Path.Combine(dir, prefix + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        File.WriteAllText(System.IO.Path.Combine(path, OwnerFile), Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
        return new WorkArea(path);
    }

    /// <summary>Removes the directory and everything in it (symlinks are removed, never followed).</summary>
    public void Dispose()
    {
        if (Directory.Exists(Path))
        {
            Directory.Delete(Path, recursive: true);
        }
    }

    private static bool OwnerAlive(string area)
    {
        var file = System.IO.Path.Combine(area, OwnerFile);
        if (!File.Exists(file) || !int.TryParse(File.ReadAllText(file), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
        {
            return false;
        }

        if (pid == Environment.ProcessId)
        {
            return true;
        }

        try
        {
            using var p = Process.GetProcessById(pid);
            return !p.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
