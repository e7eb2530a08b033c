using System.Text.Json;
using System.Text.RegularExpressions;

namespace Keel.Progress.Tests;

/// <summary>The renderers any front end uses: JSON lines for programs, plain lines with step durations for logs.</summary>
public sealed partial class RendererTests
{
    // A build that resolves, then fails while downloading.
    private static readonly EngineEvent[] FailedRun =
    [
        new PlanEvent(["packages.resolve", "packages.download"]),
        new StepStartedEvent("packages.resolve"),
        new ProgressEvent("packages.resolve", "resolved 3 packages", 3, 3),
        new LogEvent("packages.resolve", "repository r: 3 packages"),
        new StepFinishedEvent("packages.resolve", "resolved 3 packages"),
        new StepStartedEvent("packages.download"),
        new ProgressEvent("packages.download", "a-1-1.x86_64", 1, 3, 4096),
        new StepFailedEvent("packages.download", "signature-invalid", "/srv/repo/a-1-1.x86_64.rpm", "a-1-1.x86_64.rpm: bad signature", "import the key"),
    ];

    [Fact]
    public void Json_lines_have_version_type_and_step_and_the_fields_of_their_type()
    {
        var stdout = new StringWriter();
        using (var reporter = new JsonProgressReporter(stdout))
        {
            foreach (var e in FailedRun)
            {
                reporter.Report(e);
            }
        }

        var lines = stdout.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(FailedRun.Length, lines.Count);
        Assert.All(lines, l => Assert.Equal(1, l.GetProperty("v").GetInt32()));
        Assert.Equal(FailedRun.Select(e => e.Type), lines.Select(l => l.GetProperty("type").GetString()));
        Assert.Equal(FailedRun.Select(e => e.Step), lines.Select(l => l.GetProperty("step").GetString()));
        Assert.All(lines, l => Assert.True(l.GetProperty("elapsed_ms").GetInt64() >= 0));
        Assert.Equal(["packages.resolve", "packages.download"], lines[0].GetProperty("steps").EnumerateArray().Select(s => s.GetString()));
        Assert.Equal(4096, lines[6].GetProperty("bytes").GetInt64());
        Assert.Equal((1, 3), (lines[6].GetProperty("done").GetInt32(), lines[6].GetProperty("total").GetInt32()));
        var failed = lines[^1];
        Assert.Equal(
            ("signature-invalid", "/srv/repo/a-1-1.x86_64.rpm", "a-1-1.x86_64.rpm: bad signature", "import the key"),
            (failed.GetProperty("reason").GetString(), failed.GetProperty("input").GetString(), failed.GetProperty("message").GetString(), failed.GetProperty("hint").GetString()));
    }

    [Fact]
    public void Json_done_is_the_last_line_and_messages_are_escaped()
    {
        var stdout = new StringWriter();
        using (var reporter = new JsonProgressReporter(stdout))
        {
            reporter.Report(new ProgressEvent("system.files", "wrote \"/etc/a\nb\"", 1, 1));
            reporter.Complete("wrote /tmp/x.raw");
        }

        var lines = stdout.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        Assert.Equal("wrote \"/etc/a\nb\"", JsonDocument.Parse(lines[0]).RootElement.GetProperty("message").GetString());
        var done = JsonDocument.Parse(lines[1]).RootElement;
        Assert.Equal(("done", JsonValueKind.Null), (done.GetProperty("type").GetString(), done.GetProperty("step").ValueKind));
    }

    [Fact]
    public void Plain_lines_give_each_finished_step_its_duration_from_its_start()
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        using (var reporter = new PlainProgressReporter(stdout, stderr, live: false))
        {
            reporter.Report(new StepStartedEvent("system.services"));
            Thread.Sleep(300);
            reporter.Report(new ProgressEvent("system.services", "enabled x.service", 1, 1));
            reporter.Report(new StepFinishedEvent("system.services", "enabled x.service"));
            reporter.Report(new StepStartedEvent("system.fstab"));
            reporter.Report(new StepFinishedEvent("system.fstab", "2 filesystem(s) by UUID"));
            reporter.Report(new StepFailedEvent("boot.install", "tool-failed", "dracut", "boot.install: dracut exited with status 1", null));
            reporter.Complete("not reached in a real run");
        }

        var lines = stderr.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var services = Duration().Match(lines.Single(l => l.Contains("ok system.services", StringComparison.Ordinal)));
        Assert.True(services.Success, stderr.ToString());

        // The step took its 300 ms between step-started and step-finished, though it reported only at its end.
        Assert.InRange(double.Parse(services.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), 0.3, 30);
        Assert.Contains(lines, l => l.Contains("ok system.fstab", StringComparison.Ordinal) && l.EndsWith("2 filesystem(s) by UUID (0.0s)", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("boot.install", StringComparison.Ordinal) && l.EndsWith("failed (tool-failed): boot.install: dracut exited with status 1", StringComparison.Ordinal));
        Assert.Equal("not reached in a real run", stdout.ToString().Trim());
    }

    [Fact]
    public void Renderers_are_chosen_by_name_and_an_unknown_name_is_refused()
    {
        Assert.IsType<JsonProgressReporter>(ProgressRenderers.Create("json", TextWriter.Null, TextWriter.Null));
        Assert.IsType<PlainProgressReporter>(ProgressRenderers.Create("plain", TextWriter.Null, TextWriter.Null));
        Assert.IsType<PlainProgressReporter>(ProgressRenderers.Create("auto", TextWriter.Null, TextWriter.Null));
        Assert.Contains("--progress xml", Assert.Throws<ArgumentException>(() => ProgressRenderers.Create("xml", TextWriter.Null, TextWriter.Null)).Message, StringComparison.Ordinal);
    }

    [GeneratedRegex(@"\((\d+\.\d)s\)$")]
    private static partial Regex Duration();
}
