namespace Keel.VirtualMachines;

/// <summary>Finds the host programs and firmware `keel vm run` needs, naming the Debian package that provides each one that is missing.</summary>
public sealed class HostTools
{
    private readonly IReadOnlyList<string> _searchPath;

    /// <summary>Searches <paramref name="searchPath"/> (default: $PATH) for programs.</summary>
    public HostTools(IReadOnlyList<string>? searchPath = null)
    {
        _searchPath = searchPath ?? (Environment.GetEnvironmentVariable("PATH") ?? "/usr/local/bin:/usr/bin:/bin")
            .Split(':', StringSplitOptions.RemoveEmptyEntries);
    }

    /// <summary>The full path of <paramref name="program"/>, or FileNotFoundException naming <paramref name="debianPackage"/>.</summary>
    public string Require(string program, string debianPackage) =>
        Find(program) ?? throw new FileNotFoundException($"{program}: not found on PATH (install the Debian package {debianPackage})");

    /// <summary>The full path of <paramref name="program"/> on the search path, or null.</summary>
    public string? Find(string program)
    {
        foreach (var dir in _searchPath)
        {
            var candidate = Path.Combine(dir, program);
            if (File.Exists(candidate) && (File.GetUnixFileMode(candidate) & (UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute)) != 0)
            {
                return candidate;
            }
        }

        return null;
    }
}
