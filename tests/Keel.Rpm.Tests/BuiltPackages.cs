using System.Globalization;
using System.Text;

namespace Keel.Rpm.Tests;

/// <summary>Builds one test package with the real rpmbuild for each payload compressor, once per test class.</summary>
public sealed class BuiltPackages : IDisposable
{
    public static readonly string[] Compressors = ["w19.zstdio", "w9.gzdio", "w6.xzdio", "w9.bzdio"];

    private const string Spec = """
        Name: keel-fixture
        Epoch: 3
        Version: 1.2.3
        Release: 4.kt
        Summary: Keel payload fixture
        License: MIT
        BuildArch: noarch
        Requires: /bin/sh
        Requires: (keel-a >= 1.0 or keel-b)
        Requires(pre): keel-pre
        Provides: keel-fixture-cap = 2:5.0-1
        Conflicts: keel-conflict < 2
        Obsoletes: keel-old <= 1.0-1
        Recommends: keel-rec >= 1.1
        Suggests: keel-sug
        Supplements: (keel-x and keel-y)
        Enhances: keel-enh

        %description
        Fixture for Keel's RPM reader tests.

        %install
        mkdir -p %{buildroot}/usr/share/keel/deep/er %{buildroot}/usr/bin %{buildroot}/etc/keel
        printf 'hello from keel\n' > %{buildroot}/usr/share/keel/hello.txt
        head -c 300000 /dev/zero | tr '\0' 'k' > %{buildroot}/usr/share/keel/deep/er/big.dat
        seq 1 20000 >> %{buildroot}/usr/share/keel/deep/er/big.dat
        : > %{buildroot}/usr/share/keel/empty
        printf '#!/bin/sh\necho keel\n' > %{buildroot}/usr/bin/keel-fixture
        chmod 0755 %{buildroot}/usr/bin/keel-fixture
        ln -s ../share/keel/hello.txt %{buildroot}/usr/bin/keel-hello
        printf 'linked\n' > %{buildroot}/usr/share/keel/link-a
        ln %{buildroot}/usr/share/keel/link-a %{buildroot}/usr/share/keel/link-b
        printf 'key=value\n' > %{buildroot}/etc/keel/keel.conf
        mkdir -p %{buildroot}/usr/share/keel/emptydir

        %pre
        true
        %post
        true
        %posttrans
        true

        %files
        %config(noreplace) /etc/keel/keel.conf
        /usr/bin/keel-fixture
        /usr/bin/keel-hello
        /usr/share/keel
        """;

    public BuiltPackages()
    {
        TopDir = Directory.CreateTempSubdirectory("keel-rpmbuild").FullName;
        var specPath = Path.Combine(TopDir, "keel-fixture.spec");
        File.WriteAllText(specPath, Spec.Replace("\r", string.Empty, StringComparison.Ordinal), new UTF8Encoding(false));
        foreach (var compressor in Compressors)
        {
            var top = Path.Combine(TopDir, compressor);
            var (code, _, stderr) = Tool.Run("rpmbuild",
            [
                "-bb", "--quiet",
                "--define", "_topdir " + top,
                "--define", "_binary_payload " + compressor,
                "--define", "_build_id_links none",
                "--define", "debug_package %{nil}",
                "--define", "__os_install_post %{nil}",
                "--define", "_buildhost keel.test",
                specPath,
            ]);
            if (code != 0)
            {
                throw new InvalidOperationException($"rpmbuild with {compressor} failed: {stderr}");
            }

            Built[compressor] = Directory.GetFiles(Path.Combine(top, "RPMS"), "*.rpm", SearchOption.AllDirectories).Single();
        }
    }

    public string TopDir { get; }

    public Dictionary<string, string> Built { get; } = [];

    public string NewTempDir(string name) => Directory.CreateDirectory(Path.Combine(TopDir, name + "-" + Guid.NewGuid().ToString("n", CultureInfo.InvariantCulture))).FullName;

    public void Dispose()
    {
        // Extracted trees may hold read-only directories; make them writable before deleting.
        foreach (var dir in Directory.GetDirectories(TopDir, "*", SearchOption.AllDirectories))
        {
            if (!OperatingSystem.IsWindows() && new DirectoryInfo(dir).LinkTarget is null)
            {
                File.SetUnixFileMode(dir, File.GetUnixFileMode(dir) | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.UserRead);
            }
        }

        Directory.Delete(TopDir, recursive: true);
    }
}
