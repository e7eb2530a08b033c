using System.Text.Json;
using Keel.Cli;

namespace Keel.EndToEnd.Tests;

/// <summary>`keel build --progress json`: the step-started events are the plan's steps, in order; a failure ends with step-failed.</summary>
public sealed class ProgressStreamTests : IDisposable
{
    private readonly string _work = EndToEnd.Scratch("progress");

    public void Dispose() => EndToEnd.DeleteQuietly(_work);

    [Theory]
    [InlineData("minimal")]
    [InlineData("container-host")]
    [InlineData("developer-workstation")]
    public async Task Every_planned_step_starts_once_in_plan_order(string preset)
    {
        var config = EndToEnd.WriteConfig(_work, preset);
        var image = Path.Combine(_work, "out.qcow2");
        var (planExit, planJson) = await Run("plan", config, "-o", image, "--json");
        Assert.Equal(0, planExit);
        var planned = JsonDocument.Parse(planJson).RootElement.GetProperty("steps").EnumerateArray().Select(s => s.GetProperty("id").GetString()).ToList();

        var (exit, stream) = await Run("build", config, "-o", image, "--progress", "json");
        Assert.Equal(0, exit);
        var events = Lines(stream);
        Assert.All(events, e => Assert.Equal(1, e.GetProperty("v").GetInt32()));
        var started = events.Where(e => e.GetProperty("type").GetString() == "step-started").Select(e => e.GetProperty("step").GetString()).ToList();
        Assert.Equal(planned, started);
    }

    [Fact]
    public async Task A_repository_that_is_down_ends_with_step_failed_and_a_reason()
    {
        var config = EndToEnd.WriteConfig(_work, "minimal");
        File.WriteAllText(config, File.ReadAllText(config).Replace($"path: {Keel.Tests.TestPaths.FixtureRepo}", "baseurl: http://127.0.0.1:9/keel-fixture", StringComparison.Ordinal));
        var (exit, stream) = await Run("build", config, "-o", Path.Combine(_work, "out.qcow2"), "--progress", "json");
        Assert.Equal(1, exit);
        var last = Lines(stream)[^1];
        Assert.Equal("step-failed", last.GetProperty("type").GetString());
        Assert.Equal("packages.resolve", last.GetProperty("step").GetString());
        Assert.Equal("repository-unreachable", last.GetProperty("reason").GetString());
    }

    private static List<JsonElement> Lines(string stream) =>
        stream.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();

    private static async Task<(int Exit, string Stdout)> Run(params string[] args)
    {
        var stdout = new StringWriter();
        var exit = await KeelCli.RunAsync(args, stdout, new StringWriter());
        return (exit, stdout.ToString());
    }
}
