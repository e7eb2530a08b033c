namespace Keel.Cli.Tests;

public class VercmpCommandTests
{
    [Theory]
    [InlineData("1.0~rc1", "1.0", "-1")]
    [InlineData("2:1.0", "1:9.9", "1")]
    [InlineData("1.0-1", "1.0-1", "0")]
    public async Task Prints_rpms_comparison(string a, string b, string expected)
    {
        var (exit, stdout, _) = await CliRunner.RunAsync("repo", "vercmp", a, b);
        Assert.Equal(0, exit);
        Assert.Equal(expected, stdout.Trim());
    }

    [Fact]
    public async Task Missing_argument_is_a_usage_error()
    {
        var (exit, _, stderr) = await CliRunner.RunAsync("repo", "vercmp", "1.0");
        Assert.NotEqual(0, exit);
        Assert.NotEmpty(stderr);
    }
}
