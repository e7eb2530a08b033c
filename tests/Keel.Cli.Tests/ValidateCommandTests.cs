using System.Text.Json;

namespace Keel.Cli.Tests;

/// <summary>`keel validate`: its options and its output on a root that is not a certified image (the checks are in Keel.Validation.Tests).</summary>
public sealed class ValidateCommandTests
{
    [Theory]
    [InlineData]
    [InlineData("--root", "/", "--image", "x.qcow2")]
    public async Task NeedsExactlyOneOfRootOrImage(params string[] extra)
    {
        var (exit, _, error) = await CliRunner.RunAsync(["validate", .. extra]);
        // A parse error: System.CommandLine's exit status, as for every keel command.
        Assert.NotEqual(0, exit);
        Assert.Contains("give exactly one of --root DIR or --image IMAGE", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EmptyRoot_FailsWithJsonNamingTheMissingRpmdb()
    {
        var root = Directory.CreateTempSubdirectory("keel-validate-cli-").FullName;
        try
        {
            var (exit, output, _) = await CliRunner.RunAsync("validate", "--root", root, "--json");
            Assert.Equal(1, exit);
            using var doc = JsonDocument.Parse(output);
            var results = doc.RootElement.GetProperty("results").EnumerateArray().ToList();
            Assert.Contains(results, r => r.GetProperty("check").GetString() == "rpmdb" && r.GetProperty("status").GetString() == "FAIL");
            Assert.Contains(results, r => r.GetProperty("check").GetString() == "release.os-release" && r.GetProperty("status").GetString() == "FAIL");
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }
}
