namespace Keel.Provisioning.Tests.Packages;

/// <summary>A tiny rpm-md repository built once per test class with the real rpmbuild and createrepo_c: keel-hello 1.0 and 2.0, keel-extra 1.0 (noarch, no dependencies).</summary>
public sealed class LocalRpmRepo : IDisposable
{
    private const string Spec = """
        Name: %{pname}
        Version: %{pver}
        Release: 1
        Summary: keel-agent packages test
        License: MIT
        BuildArch: noarch
        AutoReqProv: no
        %description
        keel-agent packages test
        %install
        mkdir -p %{buildroot}/usr/share/%{pname}
        echo %{pver} > %{buildroot}/usr/share/%{pname}/version
        %files
        /usr/share/%{pname}/version
        """;

    /// <summary>Builds the repository.</summary>
    public LocalRpmRepo()
    {
        Base = Directory.CreateTempSubdirectory("keel-rpmrepo-").FullName;
        Path = System.IO.Path.Combine(Base, "repo");
        var spec = System.IO.Path.Combine(Base, "test.spec");
        File.WriteAllText(spec, Spec);
        foreach (var (name, version) in new[] { ("keel-hello", "1.0"), ("keel-hello", "2.0"), ("keel-extra", "1.0") })
        {
            Tool.Run("rpmbuild", "-bb", "--define", $"_topdir {Base}/top", "--define", $"pname {name}", "--define", $"pver {version}",
                "--define", $"_rpmdir {Path}", "--define", "_build_name_fmt %%{NAME}-%%{VERSION}-%%{RELEASE}.%%{ARCH}.rpm", spec);
        }

        Tool.Run("createrepo_c", "-q", Path);
    }

    /// <summary>Scratch directory holding everything.</summary>
    public string Base { get; }

    /// <summary>The repository directory (file:// URL base).</summary>
    public string Path { get; }

    /// <summary>cloud-config that adds this repository to a root with yum_repos.</summary>
    public string YumReposConfig => $"""
        yum_repos:
          keel-test:
            name: keel test
            baseurl: file://{Path}
            gpgcheck: false
        """;

    /// <inheritdoc />
    public void Dispose() => Directory.Delete(Base, recursive: true);
}
