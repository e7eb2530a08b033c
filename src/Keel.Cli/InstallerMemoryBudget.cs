using System.Collections;
using System.Runtime.InteropServices;

namespace Keel.Cli;

/// <summary>
/// Keeps `keel installer` small on any CPU. The GC sizes its first-generation budget from the CPU's L3 cache: on a host
/// with a 260 MiB L3 the interactive session grew to 143 MB before its first collection, on a machine with a small cache
/// it stays far lower. The budget can only be set before the runtime starts (the environment variable; the NativeAOT
/// binary ignores it in runtimeconfig), so `keel installer` re-executes itself once with DOTNET_GCgen0size set. Measured
/// in bench/installer: the whole dry-run session then peaks under the 100 MB.
/// </summary>
internal static partial class InstallerMemoryBudget
{
    /// <summary>The variable the GC reads its first-generation budget from (hexadecimal bytes).</summary>
    public const string Variable = "DOTNET_GCgen0size";

    /// <summary>
    /// 1 MiB. Measured (bench/installer, a dry-run walk through all eleven screens): 4 MiB and 2 MiB peaked at 103-118 MB
    /// from run to run, 1 MiB at 89 MB every run; a first-generation collection of this size takes well under a millisecond.
    /// </summary>
    public const string Budget = "100000";

    /// <summary>Re-executes `keel installer …` with the budget set, unless it is set already; returns only when it did not.</summary>
    public static void Apply(string[] args)
    {
        if (args.Length == 0 || args[0] != "installer" || Environment.GetEnvironmentVariable(Variable) is not null
            || Environment.ProcessPath is not { } self || !OperatingSystem.IsLinux()
            // `dotnet keel.dll …` runs under the dotnet host, which would not take keel's arguments as they are.
            || Path.GetFileName(self) == "dotnet")
        {
            return;
        }

        // .NET keeps its own copy of the environment, so the new process gets an explicit one.
        var environment = Environment.GetEnvironmentVariables().Cast<DictionaryEntry>()
            .Select(e => $"{e.Key}={e.Value}")
            .Append($"{Variable}={Budget}")
            .Append(null)
            .ToArray();
        string?[] argv = [self, .. args, null];
        _ = Execve(self, argv, environment);

        // Only reached when execve failed: go on with the default budget rather than not install.
    }

    [LibraryImport("libc", EntryPoint = "execve", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Execve(string path, string?[] argv, string?[] envp);
}
