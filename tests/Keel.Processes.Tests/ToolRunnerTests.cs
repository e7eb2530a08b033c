namespace Keel.Processes.Tests;

public sealed class ToolRunnerTests
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

    [Fact]
    public async Task A_missing_tool_names_the_Debian_package_that_brings_it()
    {
        var e = await Assert.ThrowsAsync<IOException>(() => ToolRunner.RunAsync("/nonexistent/mkfs.keel", [], null, default, debianPackage: "e2fsprogs"));
        Assert.StartsWith("cannot run /nonexistent/mkfs.keel: ", e.Message, StringComparison.Ordinal);
        Assert.EndsWith("(install the Debian package e2fsprogs; scripts/setup-host.sh does)", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Tools_run_in_the_C_locale_and_UTC_with_extra_environment()
    {
        var result = await ToolRunner.RunAsync("/bin/sh", ["-c", "echo \"$LC_ALL $TZ $KEEL_X\""], new Dictionary<string, string> { ["KEEL_X"] = "y" }, default);
        Assert.Equal("C UTC y\n", result.Output);
        Assert.Equal(0, result.ExitCode);
    }
}
