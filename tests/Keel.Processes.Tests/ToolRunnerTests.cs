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

    [Fact]
    public void Input_working_directory_and_environment_reach_the_tool()
    {
        var directory = Directory.CreateTempSubdirectory("keel-tool-").FullName;
        try
        {
            var options = new ToolOptions { Input = "from stdin\n", WorkingDirectory = directory, Environment = new Dictionary<string, string> { ["KEEL_X"] = "y" } };
            var result = ToolRunner.Run(options, "/bin/sh", ["-c", "read line; echo \"$line $(pwd) $KEEL_X\""]);
            Assert.Equal($"from stdin {directory} y\n", result.Output);
        }
        finally
        {
            Directory.Delete(directory);
        }
    }

    [Fact]
    public void A_tool_past_its_timeout_is_killed_with_a_message_naming_it()
    {
        var started = DateTime.UtcNow;
        var e = Assert.Throws<TimeoutException>(() => ToolRunner.Run(new ToolOptions { Timeout = TimeSpan.FromMilliseconds(300) }, "/bin/sleep", ["600"]));
        Assert.StartsWith("sleep 600: still running after ", e.Message, StringComparison.Ordinal);
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(60));
    }

    [Fact]
    public void Output_beyond_the_limit_is_read_and_dropped()
    {
        var result = ToolRunner.Run(new ToolOptions { OutputLimit = 10 }, "/bin/sh", ["-c", "head -c 1000000 /dev/zero | tr '\\0' x"]);
        Assert.Equal("xxxxxxxxxx", result.Output);
        Assert.Equal(0, result.ExitCode);
    }

    [Fact]
    public void A_failure_can_be_allowed_and_the_locale_left_alone()
    {
        var options = new ToolOptions { AllowFailure = true, NeutralLocale = false, Environment = new Dictionary<string, string> { ["TZ"] = "Europe/Berlin" } };
        var result = ToolRunner.Run(options, "/bin/sh", ["-c", "echo \"$TZ\"; exit 4"]);
        Assert.Equal(4, result.ExitCode);
        Assert.Equal("Europe/Berlin\n", result.Output);
    }

    [Fact]
    public void The_default_search_path_adds_the_sbin_directories_and_an_explicit_one_is_exact()
    {
        // blkid and mkfs live in /usr/sbin or /sbin; PATH of a non-login shell often has neither.
        var searched = ToolLookup.DefaultSearchPath();
        Assert.Contains("/usr/sbin", searched);
        Assert.Contains("/sbin", searched);
        Assert.Null(ToolLookup.Find("blkid", ["/nonexistent"]));
        Assert.Equal("/bin/sh", ToolLookup.Find("/bin/sh"));
        Assert.Equal("sgdisk: not found on PATH (install the Debian package gdisk)", Assert.Throws<FileNotFoundException>(() => ToolLookup.Require("sgdisk", "gdisk", [])).Message);
    }
}
