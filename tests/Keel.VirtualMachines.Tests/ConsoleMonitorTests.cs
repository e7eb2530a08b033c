namespace Keel.VirtualMachines.Tests;

/// <summary>Console handling: matching across reads, escape filtering and the remembered tail.</summary>
public sealed class ConsoleMonitorTests
{
    [Fact]
    public void Expect_SplitAcrossChunks_IsFound()
    {
        var monitor = new ConsoleMonitor(null, "login:");
        monitor.Append("host lo");
        Assert.False(monitor.ExpectedTextSeen.IsCompleted);
        monitor.Append("gi");
        monitor.Append("n: ");
        Assert.True(monitor.ExpectedTextSeen.IsCompleted);
    }

    [Fact]
    public void Expect_InterruptedByColour_IsFound()
    {
        var monitor = new ConsoleMonitor(null, "[  OK  ] Started");
        monitor.Append("[  \u001b[0;32mOK\u001b[0m  ] Star");
        monitor.Append("ted sshd");
        Assert.True(monitor.ExpectedTextSeen.IsCompleted);
    }

    [Fact]
    public void Expect_Absent_NeverCompletes()
    {
        var monitor = new ConsoleMonitor(null, "login:");
        monitor.Append("logi\nn:");
        Assert.False(monitor.ExpectedTextSeen.IsCompleted);
    }

    [Fact]
    public void Display_KeepsColours_DropsScreenClears()
    {
        var shown = new StringWriter();
        var monitor = new ConsoleMonitor(shown, null);
        // OVMF's start: clear screen, home, a mode switch; then a split colour sequence.
        monitor.Append("\u001b[2J\u001b[01;01H\u001b[=3hBdsDxe\r\n\u001b[0;3");
        monitor.Append("2mgreen\u001b[0m\u001bc done");
        Assert.Equal("BdsDxe\r\n\u001b[0;32mgreen\u001b[0m done", shown.ToString());
    }

    [Fact]
    public void LastLines_ArePlainAndBounded()
    {
        var monitor = new ConsoleMonitor(null, null, keepLines: 3);
        for (var i = 0; i < 10; i++)
        {
            monitor.Append($"\u001b[1mline {i}\u001b[0m\r\n");
        }

        monitor.Append("partial");
        Assert.Equal(["line 8", "line 9", "partial"], monitor.LastLines());
    }

    [Fact]
    public void Display_IsWrittenBeforeTheMatchIsAnnounced()
    {
        ConsoleMonitor? monitor = null;
        var announcedAtWrite = new List<bool>();
        var shown = new ProbingWriter(() => announcedAtWrite.Add(monitor!.ExpectedTextSeen.IsCompleted));
        monitor = new ConsoleMonitor(shown, "powering off");

        monitor.Append("boot-count 1\npowering off\n");

        Assert.True(monitor.ExpectedTextSeen.IsCompleted);
        Assert.Equal([false], announcedAtWrite);
    }

    private sealed class ProbingWriter(Action onWrite) : StringWriter
    {
        public override void Write(string? value)
        {
            onWrite();
            base.Write(value);
        }
    }
}
