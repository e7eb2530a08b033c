using System.Text.Json;
using Keel.Validate;

namespace Keel.Validation.Tests;

/// <summary>keel-validate's command line: lines or JSON, exit 0 on a clean root and 1 on a FAIL, one-line errors.</summary>
public sealed class KeelValidateCliTests(ValidationRoot fixture) : IClassFixture<ValidationRoot>
{
    private static async Task<(int Exit, string Out, string Err)> RunAsync(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        int exit = await ValidateCli.RunAsync(args, stdout, stderr);
        return (exit, stdout.ToString(), stderr.ToString());
    }

    [Fact]
    public async Task CleanRoot_ExitsZero_OneLinePerCheckAndASummary()
    {
        var (exit, output, error) = await RunAsync("--root", fixture.Base);
        Assert.True(exit == 0, output + error);
        var lines = output.TrimEnd().Split('\n');
        Assert.All(lines[..^1], l => Assert.Matches("^(PASS|WARN|SKIP) [a-z.-]+: ", l));
        Assert.StartsWith($"validate root {fixture.Base}: passed, 0 FAIL", lines[^1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Json_ReportsEveryLine_AndExitsOneOnAFail()
    {
        var root = fixture.Copy("cli-json");
        File.AppendAllText(Path.Combine(root, "usr/bin/bash"), "x");
        var (exit, output, _) = await RunAsync("--root", root, "--json");
        Assert.Equal(1, exit);
        using var doc = JsonDocument.Parse(output);
        Assert.False(doc.RootElement.GetProperty("passed").GetBoolean());
        Assert.Equal(1, doc.RootElement.GetProperty("fail").GetInt32());
        var fail = doc.RootElement.GetProperty("results").EnumerateArray().Single(r => r.GetProperty("status").GetString() == "FAIL");
        Assert.Equal("files", fail.GetProperty("check").GetString());
        Assert.Equal("/usr/bin/bash", fail.GetProperty("subject").GetString());
    }

    [Fact]
    public async Task MissingRoot_IsAOneLineError()
    {
        var (exit, output, error) = await RunAsync("--root", "/nonexistent/keel-validate-root");
        Assert.NotEqual(0, exit);
        Assert.Empty(output);
        Assert.StartsWith("keel-validate: /nonexistent/keel-validate-root", error, StringComparison.Ordinal);
        Assert.Single(error.TrimEnd().Split('\n'));
    }
}
