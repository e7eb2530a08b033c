using Keel.OpenPgp;
using Keel.Tests;
using Xunit.Abstractions;

namespace Keel.Rpm.Tests;

/// <summary>
/// Issue 8: `rpmkeys` (the host's rpm 4.18) and Keel give the same verdict, check by check, on every package of the oracle
/// data with every key there. Where rpm 4.18 cannot import a key, the test says so and compares what rpm can check
/// without it (digests, and NOKEY for the signatures). docs/security.md records the outcome.
/// </summary>
public sealed class RpmkeysSideBySideTests(ITestOutputHelper output)
{
    private static readonly string KeyDirectory = TestPaths.Oracle("rpm", "tests", "data", "keys");

    // rpm 4.18 predates rpm 6's OPENPGP signature-header tag (278), which carries this package's second signature (an
    // EdDSA one, key 1f1d8f8a); it checks only the RSA one. Keel checks both; the verdicts still have to agree.
    private const string MultiSignature = "empty-signed-v6-multiple-0-0.x86_64.rpm";

    public static TheoryData<string, string> PackagesAndKeys()
    {
        var data = new TheoryData<string, string>();
        var packages = Directory.EnumerateFiles(TestPaths.Oracles, "*.rpm", SearchOption.AllDirectories)
            .Select(p => Path.GetRelativePath(TestPaths.Oracles, p)).Order(StringComparer.Ordinal);
        var keys = Directory.EnumerateFiles(KeyDirectory).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
        foreach (var package in packages)
        {
            foreach (var key in keys)
            {
                data.Add(package, key!);
            }
        }

        return data;
    }

    [Fact]
    public void The_oracle_data_has_packages_and_keys() => Assert.True(PackagesAndKeys().Count >= 18 * 7, $"{PackagesAndKeys().Count} combinations");

    [Theory]
    [MemberData(nameof(PackagesAndKeys))]
    public void Rpmkeys_agrees_with_Keel(string package, string key)
    {
        var path = TestPaths.Oracle(package);
        var keyPath = Path.Combine(KeyDirectory, key);
        var root = Directory.CreateTempSubdirectory("keel-rpmkeys").FullName;
        try
        {
            var (importExit, _, importError) = Tool.Run("rpmkeys", ["--root", root, "--import", keyPath]);
            var (exit, stdout, _) = Tool.Run("rpmkeys", ["--root", root, "-Kv", path]);
            var rpm = Lines(stdout);
            if (importExit != 0)
            {
                // rpm checks the signatures without the key (NOKEY); Keel is compared without it too, and its verdict with
                // the key is printed for the record.
                output.WriteLine($"rpm 4.18 cannot import {key}: {importError.Trim().ReplaceLineEndings(" ")}; comparing without the key");
                var withKey = Keel(path, keyPath);
                output.WriteLine($"Keel with {key}: {string.Join("; ", withKey.Lines)}");
                var without = Keel(path, null);
                Compare(package, rpm, without.Lines);
                Assert.Equal(exit == 0, without.AllOk);
                return;
            }

            var keel = Keel(path, keyPath);
            output.WriteLine($"rpmkeys: {string.Join("; ", rpm)} (exit {exit})");
            Compare(package, rpm, keel.Lines);
            Assert.Equal(exit == 0, keel.AllOk);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    private void Compare(string package, List<string> rpm, List<string> keel)
    {
        if (Path.GetFileName(package) != MultiSignature)
        {
            Assert.Equal(rpm, keel);
            return;
        }

        var extra = keel.Except(rpm).ToList();
        output.WriteLine($"rpm 4.18 does not read the OPENPGP tag; Keel also checks: {string.Join("; ", extra)}");
        Assert.Equal(["Header V4 EdDSA/SHA512 Signature, key ID 1f1d8f8a"], extra.Select(l => l[..l.LastIndexOf(':')]));
        Assert.Equal(rpm, keel.Except(extra));
    }

    // rpmkeys -Kv prints the file name, then one line per check; lines for absent tags (NOTFOUND) are left out, and so
    // is the detail in parentheses, which each side words in its own way.
    private static List<string> Lines(string stdout) =>
        [.. stdout.Split('\n').Skip(1).Where(l => l.Length > 0 && !l.EndsWith("NOTFOUND", StringComparison.Ordinal)).Select(l => StatusOnly(l.Trim()))];

    private static string StatusOnly(string line)
    {
        int paren = line.IndexOf(" (", StringComparison.Ordinal);
        return paren > 0 ? line[..paren] : line;
    }

    private static (List<string> Lines, bool AllOk) Keel(string package, string? key)
    {
        OpenPgpKeyRing? ring;
        try
        {
            ring = key is null ? null : OpenPgpKeyRing.Load(key);
        }
        catch (InvalidDataException ex)
        {
            return ([$"key unreadable: {ex.Message}"], false);
        }

        var result = RpmPackageChecker.Verify(package, ring);
        return ([.. result.Checks.Select(c => $"{c.Name}: {c.StatusText}")], result.AllOk);
    }
}
