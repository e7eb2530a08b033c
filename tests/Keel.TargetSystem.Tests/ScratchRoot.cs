using System.Diagnostics;

namespace Keel.TargetSystem.Tests;

/// <summary>A throwaway target root with minimal account files (root, wheel), deleted afterwards.</summary>
internal sealed class ScratchRoot : IDisposable
{
    public ScratchRoot()
    {
        Base = Directory.CreateTempSubdirectory("keel-target-").FullName;
        RootPath = Path.Combine(Base, "root");
        Directory.CreateDirectory(Path.Combine(RootPath, "etc"));
        File.WriteAllText(Host("/etc/passwd"), "root:x:0:0:root:/root:/bin/bash\n");
        File.WriteAllText(Host("/etc/group"), "root:x:0:\nwheel:x:10:\n");
        File.WriteAllText(Host("/etc/shadow"), "root:*:19000:0:99999:7:::\n");
        File.WriteAllText(Host("/etc/gshadow"), "root:*::\nwheel:::\n");
        File.SetUnixFileMode(Host("/etc/shadow"), 0);
        File.SetUnixFileMode(Host("/etc/gshadow"), 0);
        Root = new TargetRoot(RootPath);
    }

    /// <summary>A directory beside the root, outside it: where an escaping write would land.</summary>
    public string Base { get; }

    public string RootPath { get; }

    public TargetRoot Root { get; }

    public string this[string pathInRoot] => File.ReadAllText(Host(pathInRoot));

    public string Host(string pathInRoot) => RootPath + pathInRoot;

    /// <summary>Owner and octal mode as the real stat(1) reports them.</summary>
    public string Stat(string pathInRoot)
    {
        var psi = new ProcessStartInfo("stat") { RedirectStandardOutput = true };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add("%u:%g %a %F");
        psi.ArgumentList.Add(Host(pathInRoot));
        using var p = Process.Start(psi)!;
        var output = p.StandardOutput.ReadToEnd().Trim();
        p.WaitForExit();
        Assert.Equal(0, p.ExitCode);
        return output;
    }

    public void Dispose() => Directory.Delete(Base, recursive: true);
}
