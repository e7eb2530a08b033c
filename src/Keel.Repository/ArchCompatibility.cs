namespace Keel.Repository;

/// <summary>Which package architectures a machine of a given architecture can install, best first (as dnf ranks them).</summary>
public static class ArchCompatibility
{
    /// <summary>The host's rpm architecture name.</summary>
    public static string HostArch => System.Runtime.InteropServices.RuntimeInformation.OSArchitecture switch
    {
        System.Runtime.InteropServices.Architecture.X64 => "x86_64",
        System.Runtime.InteropServices.Architecture.Arm64 => "aarch64",
        System.Runtime.InteropServices.Architecture.X86 => "i686",
        System.Runtime.InteropServices.Architecture.Ppc64le => "ppc64le",
        System.Runtime.InteropServices.Architecture.S390x => "s390x",
        System.Runtime.InteropServices.Architecture.RiscV64 => "riscv64",
        var other => other.ToString().ToLowerInvariant(),
    };

    /// <summary>Installable arches for <paramref name="arch"/>, most preferred first, noarch included.</summary>
    public static IReadOnlyList<string> Compatible(string arch) => arch switch
    {
        "x86_64" => ["x86_64", "noarch", "athlon", "i686", "i586", "i486", "i386"],
        "i686" => ["i686", "noarch", "i586", "i486", "i386"],
        "aarch64" => ["aarch64", "noarch"],
        "ppc64le" => ["ppc64le", "noarch"],
        "s390x" => ["s390x", "noarch"],
        "riscv64" => ["riscv64", "noarch"],
        "noarch" => ["noarch"],
        _ => [arch, "noarch"],
    };

    /// <summary>Rank of <paramref name="packageArch"/> on <paramref name="arch"/> (0 best), or -1 when it cannot be installed.</summary>
    public static int Rank(string arch, string packageArch)
    {
        var list = Compatible(arch);
        for (int i = 0; i < list.Count; i++)
        {
            if (list[i] == packageArch)
            {
                return i;
            }
        }

        return -1;
    }
}
