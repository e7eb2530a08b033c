using Keel.Tests;

namespace Keel.Cli.Tests;

public class RpmCommandTests
{
    private static string Rpm(string name) => TestPaths.Oracle("rpm", "tests", "data", "RPMS", name);

    private static string Key(string name) => TestPaths.Oracle("rpm", "tests", "data", "keys", name);

    [Fact]
    public async Task Verify_accepts_a_signed_package_with_its_key()
    {
        var (exit, stdout, _) = await CliRunner.RunAsync("rpm", "verify", Rpm("hello-2.0-1.x86_64-signed.rpm"), "--key", Key("rpm.org-rsa-2048-test.pub"));
        Assert.Equal(0, exit);
        Assert.Contains("1964c5fc", stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("BAD", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_fails_with_the_wrong_key()
    {
        var (exit, stdout, _) = await CliRunner.RunAsync("rpm", "verify", Rpm("hello-2.0-1.x86_64-signed.rpm"), "--key", Key("rpm.org-ed25519-test.pub"));
        Assert.Equal(1, exit);
        Assert.Contains("NOKEY", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_rejects_the_corrupted_package()
    {
        var (exit, stdout, _) = await CliRunner.RunAsync("rpm", "verify", Rpm("hello-2.0-1.x86_64-corrupted.rpm"), "--key", Key("rpm.org-rsa-2048-test.pub"));
        Assert.Equal(1, exit);
        Assert.Contains("BAD", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Info_json_names_the_package()
    {
        var (exit, stdout, _) = await CliRunner.RunAsync("rpm", "info", "--json", Rpm("hello-2.0-1.x86_64.rpm"));
        Assert.Equal(0, exit);
        using var doc = System.Text.Json.JsonDocument.Parse(stdout);
        Assert.Contains("hello", stdout, StringComparison.Ordinal);
        Assert.Equal(System.Text.Json.JsonValueKind.Object, doc.RootElement.ValueKind);
    }

    [Fact]
    public async Task A_file_that_is_not_an_rpm_gives_one_line_naming_it()
    {
        var notRpm = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(notRpm, "this is not an rpm, just some text that is long enough to hold a lead ............................................");
            var (exit, stdout, stderr) = await CliRunner.RunAsync("rpm", "info", notRpm);
            Assert.Equal(1, exit);
            Assert.Empty(stdout);
            var line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
            Assert.StartsWith("keel: ", line, StringComparison.Ordinal);
            Assert.Contains(notRpm, line, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(notRpm);
        }
    }
}
