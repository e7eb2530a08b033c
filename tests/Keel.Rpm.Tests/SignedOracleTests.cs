using Keel.OpenPgp;
using Keel.Tests;

namespace Keel.Rpm.Tests;

/// <summary>createrepo_c's signed test packages: their public keys are not in the oracles, so every signature is NOKEY.</summary>
public class SignedOracleTests
{
    private static OpenPgpKeyRing AllOracleKeys() => OpenPgpKeyRing.Combine(
        Directory.GetFiles(TestPaths.Oracle("rpm", "tests", "data", "keys")).Select(OpenPgpKeyRing.Load));

    [Theory]
    [InlineData("empty-signed-rsa-0-0.x86_64.rpm")]
    [InlineData("empty-signed-eddsa-0-0.x86_64.rpm")]
    [InlineData("empty-signed-v6-multiple-0-0.x86_64.rpm")]
    public void Signatures_report_their_key_ids_and_NOKEY(string name)
    {
        var path = TestPaths.Oracle("createrepo_c", "tests", "testdata", "packages", name);
        var result = RpmPackageChecker.Verify(path, AllOracleKeys());
        var sigs = result.Checks.Where(c => c.IsSignature).ToList();
        Assert.NotEmpty(sigs);
        Assert.All(sigs, c => Assert.Equal(RpmCheckStatus.NoKey, c.Status));
        Assert.False(result.AnyBad);

        // rpm 4.18 checks the RSAHEADER/PGP tags; every signature line it prints must be one of ours, same key id.
        var (_, stdout, _) = Tool.Run("rpmkeys", ["-Kv", path]);
        var rpmLines = stdout.Split('\n').Select(l => l.Trim()).Where(l => l.Contains("Signature, key ID", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(rpmLines);
        var ours = sigs.Select(c => $"{c.Name}: {c.StatusText}").ToList();
        Assert.All(rpmLines, l => Assert.Contains(l, ours));
        Assert.All(sigs, c => Assert.Equal(16, c.KeyId!.Length));

        using var reader = RpmPackageReader.Open(path);
        var ids = RpmPackageChecker.SignatureKeyIds(reader.Signature, path);
        Assert.Equal(sigs.Select(c => c.KeyId).Distinct(), ids);
    }
}
