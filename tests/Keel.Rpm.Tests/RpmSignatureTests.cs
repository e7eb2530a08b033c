using Keel.OpenPgp;
using Keel.Tests;

namespace Keel.Rpm.Tests;

public class RpmSignatureTests
{
    private static string Rpm(string name) => TestPaths.Oracle("rpm", "tests", "data", "RPMS", name);

    private static string Key(string name) => TestPaths.Oracle("rpm", "tests", "data", "keys", name);

    /// <summary>rpm -Kv (lines for absent tags, printed on failure, left out) with the given keys imported into a throwaway rpmdb: "name: STATUS" lines.</summary>
    private static List<string> RpmK(string package, params string[] keys)
    {
        var db = Directory.CreateTempSubdirectory("keel-rpmk").FullName;
        try
        {
            foreach (var key in keys)
            {
                Tool.Ok("rpmkeys", "--dbpath", db, "--import", key);
            }

            var (_, stdout, _) = Tool.Run("rpmkeys", ["--dbpath", db, "-Kv", package]);
            return [.. stdout.Split('\n').Skip(1).Where(l => l.Length > 0 && !l.EndsWith("NOTFOUND", StringComparison.Ordinal)).Select(l => StatusOnly(l.Trim()))];
        }
        finally
        {
            Directory.Delete(db, recursive: true);
        }
    }

    private static string StatusOnly(string line)
    {
        int paren = line.IndexOf(" (", StringComparison.Ordinal);
        return paren > 0 ? line[..paren] : line;
    }

    private static List<string> Keel(string package, params string[] keys)
    {
        var ring = keys.Length == 0 ? null : OpenPgpKeyRing.Combine(keys.Select(OpenPgpKeyRing.Load));
        return [.. RpmPackageChecker.Verify(package, ring).Checks.Select(c => $"{c.Name}: {c.StatusText}")];
    }

    [Theory]
    [InlineData("hello-2.0-1.x86_64-signed.rpm", "rpm.org-rsa-2048-test.pub")]
    [InlineData("hello-2.0-1.x86_64-signed.rpm", "rpm.org-ed25519-test.pub")]
    [InlineData("hello-2.0-1.x86_64-v3-signed.rpm", "rpm.org-rsa-2048-test.pub")]
    [InlineData("hello-2.0-1.x86_64-corrupted.rpm", "rpm.org-rsa-2048-test.pub")]
    [InlineData("hello-2.0-1.x86_64.rpm", "rpm.org-rsa-2048-test.pub")]
    [InlineData("foo-1.0-1.noarch.rpm", "rpm.org-rsa-2048-test.pub")]
    public void Checks_match_rpm_K(string package, string key)
    {
        Assert.Equal(RpmK(Rpm(package), Key(key)), Keel(Rpm(package), Key(key)));
    }

    [Fact]
    public void Signed_hello_verifies_with_the_rsa_key_and_not_with_ed25519()
    {
        var good = RpmPackageChecker.Verify(Rpm("hello-2.0-1.x86_64-signed.rpm"), OpenPgpKeyRing.Load(Key("rpm.org-rsa-2048-test.pub")));
        Assert.True(good.AllOk);
        Assert.Equal(2, good.Checks.Count(c => c.IsSignature && c.Status == RpmCheckStatus.Ok));
        Assert.All(good.Checks.Where(c => c.IsSignature), c => Assert.Equal("4344591e1964c5fc", c.KeyId));

        var other = RpmPackageChecker.Verify(Rpm("hello-2.0-1.x86_64-signed.rpm"), OpenPgpKeyRing.Load(Key("rpm.org-ed25519-test.pub")));
        Assert.False(other.AllOk);
        Assert.False(other.AnyBad);
        Assert.All(other.Checks.Where(c => c.IsSignature), c => Assert.Equal(RpmCheckStatus.NoKey, c.Status));
    }

    [Fact]
    public void Subkey_signature_verifies_with_alices_key()
    {
        var result = RpmPackageChecker.Verify(Rpm("hello-2.0-1.x86_64-signed-with-subkey.rpm"), OpenPgpKeyRing.Load(Key("alice.asc")));
        Assert.True(result.AllOk);
        Assert.Equal("1f71177215217ee0", Assert.Single(result.Checks, c => c.IsSignature).KeyId);
    }

    [Fact]
    public void Subkey_signed_hello_is_NOKEY_with_the_rpm_org_subkey_file()
    {
        // rpm -Kv names key ID 15217ee0 for this package: alice's signing subkey, not one of the rpm.org test key's subkeys.
        var result = RpmPackageChecker.Verify(Rpm("hello-2.0-1.x86_64-signed-with-subkey.rpm"), OpenPgpKeyRing.Load(Key("rpm.org-rsa-2048-add-subkey.asc")));
        Assert.Equal(RpmCheckStatus.NoKey, Assert.Single(result.Checks, c => c.IsSignature).Status);
        Assert.False(result.AnyBad);
    }

    [Fact]
    public void Corrupted_hello_fails_its_payload_digest()
    {
        var result = RpmPackageChecker.Verify(Rpm("hello-2.0-1.x86_64-corrupted.rpm"), OpenPgpKeyRing.Load(Key("rpm.org-rsa-2048-test.pub")));
        var bad = Assert.Single(result.Checks, c => c.Status == RpmCheckStatus.Bad);
        Assert.Equal("Payload SHA256 digest", bad.Name);
        Assert.Equal(RpmCheckScope.Payload, bad.Scope);
    }
}
