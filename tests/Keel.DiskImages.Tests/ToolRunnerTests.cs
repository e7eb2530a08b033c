namespace Keel.DiskImages.Tests;

public class ToolRunnerTests
{
    [Fact]
    public async Task Cancellation_kills_the_running_tool()
    {
        using var cts = new CancellationTokenSource();
        var run = ToolRunner.RunAsync("/bin/sleep", ["600"], null, cts.Token);
        cts.CancelAfter(TimeSpan.FromMilliseconds(200));

        // Without the kill this would wait ten minutes for sleep to finish.
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
    }

    [Fact]
    public async Task A_failing_tool_reports_its_last_stderr_line_on_one_line()
    {
        var e = await Assert.ThrowsAsync<IOException>(() => ToolRunner.RunAsync("/bin/sh", ["-c", "echo first >&2; echo 'the real reason' >&2; exit 3"], null, default));
        Assert.Equal("sh exited with status 3: the real reason", e.Message);
    }
}
