using Keel.Processes;

namespace Keel.VirtualMachines;

/// <summary>Finds the host programs and firmware `keel vm run` needs, naming the Debian package that provides each one that is missing.</summary>
public sealed class HostTools
{
    private readonly IReadOnlyList<string>? _searchPath;

    /// <summary>Searches <paramref name="searchPath"/> (default: $PATH, /usr/sbin and /sbin) for programs.</summary>
    public HostTools(IReadOnlyList<string>? searchPath = null)
    {
        _searchPath = searchPath;
    }

    /// <summary>The full path of <paramref name="program"/>, or FileNotFoundException naming <paramref name="debianPackage"/>.</summary>
    public string Require(string program, string debianPackage) => ToolLookup.Require(program, debianPackage, _searchPath);

    /// <summary>The full path of <paramref name="program"/> on the search path, or null.</summary>
    public string? Find(string program) => ToolLookup.Find(program, _searchPath);
}
