using Keel.Sbom.Tests;

namespace Keel.Advisories.Tests;

/// <summary>Builds, with rpmbuild, a new version of a fixture package: what a weekly rebuild picks up.</summary>
internal static class RebuiltPackage
{
    /// <summary>tzdata-2025b-1.azl4.noarch, unsigned (the tests install it with gpgcheck off); returns the .rpm path.</summary>
    public static string BuildTzdata2025b(string workDir)
    {
        var top = Path.Combine(workDir, "rpmbuild");
        var spec = Path.Combine(workDir, "tzdata.spec");
        File.WriteAllText(spec, """
            Name: tzdata
            Version: 2025b
            Release: 1.azl4
            Summary: Timezone data (Keel diff test rebuild)
            License: LicenseRef-Fedora-Public-Domain
            Vendor: Microsoft Corporation (Keel fixture)
            BuildArch: noarch

            %description
            A second version of the fixture's tzdata, for keel diff.

            %install
            mkdir -p %{buildroot}/usr/share/zoneinfo
            echo 2025b > %{buildroot}/usr/share/zoneinfo/tzdata.zi

            %files
            /usr/share/zoneinfo/tzdata.zi
            """);
        FixtureRoot.Run("rpmbuild", ["--define", "_topdir " + top, "--define", "_build_id_links none", "--define", "__os_install_post %{nil}", "-bb", spec]);
        return Path.Combine(top, "RPMS", "noarch", "tzdata-2025b-1.azl4.noarch.rpm");
    }
}
