using System.Diagnostics;
using System.Text.RegularExpressions;
using Xunit.Abstractions;

namespace Keel.EndToEnd.Tests;

/// <summary>What the person at the console answers.</summary>
internal sealed record InteractiveAnswers(string HostName, string Admin, string Password, string Passphrase, string DiskById, string DiskPath, string PublicKey);

/// <summary>
/// The keystrokes a person types at the text UI (docs/installer.md, "The text UI": F10 next, F2 back, Tab between
/// fields, Up/Down in lists, Space ticks) for a Container Host on the blank disk, reading the screen before each step
/// as a person would. Lists are navigated by what they show (the row's position among the rows), never by assumed
/// defaults.
/// </summary>
internal static partial class InteractiveKeystrokes
{
    private static readonly TimeSpan Screen = TimeSpan.FromSeconds(90);
    // Encrypting the root in place under TCG dominates; on a loaded 2-core host it has taken more than 8 minutes.
    private static readonly TimeSpan Install = TimeSpan.FromMinutes(15);

    /// <summary>Goes through the eleven screens and installs; returns the SHA256 host key fingerprints the finish screen shows, after pressing Power off.</summary>
    public static IReadOnlyList<string> InstallContainerHost(SerialConsole c, InteractiveAnswers a, ITestOutputHelper output)
    {
        var clock = Stopwatch.StartNew();
        void Log(string what) => output.WriteLine($"[keys {clock.Elapsed.TotalSeconds,5:0.0} s] {what}");

        // 1. Locale: the search field has the focus; typing filters, the highlighted row is the choice.
        c.WaitForScreen("1/11 Language and locale", TimeSpan.FromMinutes(6));
        Log("locale");
        c.Type("en_US.UTF-8");
        WaitForLine(c, l => l.Contains("Chosen: en_US.UTF-8", StringComparison.Ordinal), "the locale en_US.UTF-8 chosen");
        Next(c, "2/11 Keyboard layout");

        // 2. Keyboard: the same kind of list.
        Log("keyboard");
        c.Type("us");
        WaitForLine(c, l => Regex.IsMatch(l, @"Chosen: us\s*(\||$)"), "the keyboard us chosen");
        Next(c, "3/11 Time zone");

        // 3. Time zone.
        Log("time zone");
        c.Type("UTC");
        WaitForLine(c, l => Regex.IsMatch(l, @"Chosen: (Etc/)?UTC\s*(\||$)"), "the time zone UTC chosen");
        Next(c, "4/11 Network and host name");

        // 4. Host name: the field holds the live system's name, selected, so what a person types replaces it.
        Log("host name");
        c.Type(a.HostName);
        WaitForLine(c, l => l.Contains("Host name: " + a.HostName, StringComparison.Ordinal), "the host name typed");
        Next(c, "5/11 Installation source");

        // 5. Source: the medium is the first row of the kind list (which has the focus).
        Log("source");
        c.WaitForScreen("The installation medium", Screen);
        c.Press("Home");
        Next(c, "6/11 Preset and packages");

        // 6. Preset: the rows under "Preset (Up/Down):"; Container Host chosen by its place among them.
        Log("preset");
        var screen = c.WaitForScreen(s => s.Contains("Container Host", StringComparison.OrdinalIgnoreCase) && s.Contains("Installed size:", StringComparison.Ordinal), Screen, "the presets and the resolved selection");
        var presetRows = Rows(screen, "Preset (Up/Down):", "Search:");
        var containerHost = presetRows.FindIndex(r => r.Contains("Container Host", StringComparison.OrdinalIgnoreCase));
        Assert.True(containerHost >= 0, "no Container Host row among the presets:\n" + screen);
        Choose(c, containerHost);
        // The selection resolves again: the total becomes the preset's own package count.
        var count = Regex.Match(presetRows[containerHost], @"(\d+) pkgs").Groups[1].Value;
        WaitForLine(c, l => l.Contains($"in {count} packages", StringComparison.Ordinal), $"the selection of Container Host's {count} packages");
        Next(c, "7/11 Disk and layout");

        // 7. Disk: the list (three rows, scrolling) shows path, size, transport and model; the line under it names the
        // highlighted disk by id. A person goes down the list until that line names the blank disk.
        Log("disk");
        c.WaitForScreen(s => s.Contains("Disk (Up/Down):", StringComparison.Ordinal) && s.Contains("/dev/", StringComparison.Ordinal), Screen, "the disk list");
        c.Press("Home");
        for (int row = 0; ; row++)
        {
            try
            {
                // Without udev the live system may know no by-id name and show the path; the review checks the name.
                c.WaitForScreen(s => DiskDetails(s).Contains(a.DiskById, StringComparison.Ordinal) || DiskDetails(s) == a.DiskPath, TimeSpan.FromSeconds(3), a.DiskById);
                break;
            }
            catch (TimeoutException) when (row < 10)
            {
                c.Press("Down");
            }
        }

        c.Press("Tab"); // layout: guided stays
        c.Press("Tab"); // Encrypt (LUKS2)
        c.Press("Space");
        // The ASCII check box: "X" ticked, "_" not.
        WaitForLine(c, l => Regex.IsMatch(l, @"(X|\[x\]|☑) Encrypt \(LUKS2\)"), "Encrypt ticked");
        c.Press("Tab");
        c.Type(a.Passphrase);
        c.Press("Tab");
        c.Type(a.Passphrase);
        WaitForLine(c, l => l.Contains("LUKS2", StringComparison.Ordinal) && l.Contains('/', StringComparison.Ordinal), "the root partition marked LUKS2");
        WaitForLine(c, l => l.Contains("Will boot.", StringComparison.Ordinal), "the layout that will boot");
        Next(c, "8/11 Users and SSH keys");

        // 8. Users: Tab order lock root, administrator, password, again, pasted keys, Import from USB, found keys.
        Log("users");
        c.Press("Tab");
        c.Press("End");
        c.Press("BSpace", 30);
        c.Type(a.Admin);
        c.Press("Tab");
        c.Type(a.Password);
        c.Press("Tab");
        c.Type(a.Password);
        c.Press("Tab"); // pasted keys
        c.Press("Tab"); // Import from USB
        c.Press("Enter");
        screen = c.WaitForScreen(s => s.Contains("key(s) found", StringComparison.Ordinal) || s.Contains("No keys found", StringComparison.Ordinal), Screen, "the USB scan's answer");
        // One key, and the broken line shown as not importable (other volumes may add findings of their own).
        Assert.True(screen.Contains("1 key(s) found", StringComparison.Ordinal), "expected one key found:\n" + screen);
        c.Press("Tab"); // the found keys
        var keyRows = screen.Split('\n').Where(l => l.Contains("[ ]", StringComparison.Ordinal) || l.Contains("[-]", StringComparison.Ordinal)).ToList();
        var valid = keyRows.FindIndex(r => r.Contains("[ ]", StringComparison.Ordinal));
        var invalid = keyRows.FindIndex(r => r.Contains("[-] invalid, not importable: authorized_keys:3", StringComparison.Ordinal));
        Assert.True(valid >= 0 && invalid >= 0, "expected one importable and one invalid key row:\n" + screen);
        // The list's highlight starts on its first row; moves are relative (Home is not a list key here).
        Move(c, 0, invalid);
        c.Press("Space");
        WaitForLine(c, l => l.Contains("Not importable: line 3: not base64", StringComparison.Ordinal), "the broken line refused");
        // The highlight is not visible in a screen capture, so a person's way: Space, look, one row further if nothing ticked.
        Move(c, invalid, valid);
        for (int tries = 0; ; tries++)
        {
            c.Press("Space");
            try
            {
                WaitForLine(c, l => l.Contains("[x] ssh-ed25519", StringComparison.Ordinal), "the USB key ticked", TimeSpan.FromSeconds(3));
                break;
            }
            catch (TimeoutException) when (tries < keyRows.Count)
            {
                c.Press(valid < invalid ? "Up" : "Down");
            }
        }
        Next(c, "9/11 Review");

        // 9. Review: nothing blocks, the destructive operation names the disk by id; save the config to the stick.
        Log("review");
        screen = c.WaitForScreen("Ready to install; nothing blocks.", Screen);
        var erase = Rows(screen, "Will erase:", "Plan and config", inclusiveStart: true);
        output.WriteLine("will erase: " + string.Join(" | ", erase));
        Assert.Contains(erase, l => l.Contains(a.DiskById, StringComparison.Ordinal));
        SaveConfig(c, Log);

        // Install: asked twice, the question naming the disk.
        Log("install");
        c.Press("F10");
        screen = c.WaitForScreen(s => s.Contains("again confirms", StringComparison.Ordinal) || s.Contains("10/11 Installing", StringComparison.Ordinal), Screen, "the install confirmation");
        if (!screen.Contains("10/11 Installing", StringComparison.Ordinal))
        {
            Assert.Contains("ERASE /dev/disk/by-id/" + a.DiskById, screen, StringComparison.Ordinal);
            c.Press("F10");
        }

        Assert.Contains("ERASE /dev/disk/by-id/" + a.DiskById, c.Transcript() + screen, StringComparison.Ordinal);
        c.WaitForScreen("10/11 Installing", Screen);

        // 10. Progress, until the service says it finished.
        screen = c.WaitForScreen(s => s.Contains("Installed. F10 goes on.", StringComparison.Ordinal) || s.Contains("install FAILED", StringComparison.OrdinalIgnoreCase), Install, "the end of the install");
        Assert.True(screen.Contains("Installed. F10 goes on.", StringComparison.Ordinal), "the install failed:\n" + c.Describe());
        Log("installed");
        Next(c, "11/11 Finished");

        // 11. Finish: the host keys, then Power off (Tab order Reboot, Power off, Exit).
        screen = c.WaitForScreen("SSH host keys of the new machine", Screen);
        var fingerprints = Fingerprint().Matches(screen).Select(m => m.Value).Distinct().ToList();
        output.WriteLine("finish screen:\n" + screen);
        c.Press("Tab");
        c.Press("Enter");
        Log("power off pressed");
        return fingerprints;
    }

    /// <summary>
    /// Focus starts on the blockers list; Tab reaches the plan text, the drive list, Save, Install. Each Save press shows
    /// the service's answer on the line below; a press that lands on Install shows the confirmation instead (then one
    /// Back-Tab is Save).
    /// </summary>
    private static void SaveConfig(SerialConsole c, Action<string> log)
    {
        c.Press("Tab", 3);
        for (int attempt = 0; attempt < 4; attempt++)
        {
            c.Press("Enter");
            try
            {
                var screen = c.WaitForScreen(s => SavedLine(s) is { Length: > 0 } || s.Contains("again confirms", StringComparison.Ordinal), TimeSpan.FromSeconds(8), "the save's answer");
                if (SavedLine(screen) is { Length: > 0 } saved)
                {
                    log("saved: " + saved);
                    Assert.DoesNotContain("rror", saved, StringComparison.Ordinal);
                    return;
                }

                c.Press("BTab");
                continue;
            }
            catch (TimeoutException)
            {
                // Enter on the plan text or the drive list does nothing: one field further.
                c.Press("Tab");
            }
        }

        Assert.Fail("the config could not be saved:\n" + c.Describe());
    }

    /// <summary>Moves a focused list's highlight from row <paramref name="from"/> to row <paramref name="to"/>.</summary>
    private static void Move(SerialConsole c, int from, int to) => c.Press(to < from ? "Up" : "Down", Math.Abs(to - from));

    /// <summary>The disk screen's line under the list: the highlighted disk's by-id name (or path).</summary>
    private static string DiskDetails(string screen)
    {
        var lines = screen.Split('\n').Select(Inner).ToArray();
        var at = Array.FindIndex(lines, l => l.StartsWith("Disk (Up/Down):", StringComparison.Ordinal));
        return at < 0 || at + 4 >= lines.Length ? "" : lines[at + 4];
    }

    /// <summary>The message line under "Save config to:" (blank until Save answers).</summary>
    private static string? SavedLine(string screen)
    {
        var lines = screen.Split('\n');
        var at = Array.FindIndex(lines, l => l.Contains("Save config to:", StringComparison.Ordinal));
        return at < 0 || at + 1 >= lines.Length ? null : Inner(lines[at + 1]);
    }

    /// <summary>Presses F10 and waits for <paramref name="title"/>; a press the UI ignored while it waited for the service is repeated.</summary>
    private static void Next(SerialConsole c, string title)
    {
        var clock = Stopwatch.StartNew();
        c.Press("F10");
        while (true)
        {
            try
            {
                c.WaitForScreen(title, TimeSpan.FromSeconds(10));
                return;
            }
            catch (TimeoutException) when (clock.Elapsed < Screen)
            {
                if (c.Screen().Contains("Waiting for the installer service", StringComparison.Ordinal))
                {
                    c.Press("F10");
                }
            }
        }
    }

    /// <summary>Moves a focused list's highlight to row <paramref name="index"/> (Home first, then Down).</summary>
    private static void Choose(SerialConsole c, int index)
    {
        c.Press("Home");
        c.Press("Down", index);
    }

    /// <summary>The body's lines between the line holding <paramref name="start"/> and the one holding <paramref name="end"/>, frame stripped, blanks dropped.</summary>
    private static List<string> Rows(string screen, string start, string end, bool inclusiveStart = false, bool inclusiveEnd = false)
    {
        var lines = screen.Split('\n');
        var from = Array.FindIndex(lines, l => l.Contains(start, StringComparison.Ordinal));
        var to = from < 0 ? -1 : Array.FindIndex(lines, from + 1, l => l.Contains(end, StringComparison.Ordinal));
        Assert.True(from >= 0 && to > from, $"'{start}' ... '{end}' not on the screen:\n{screen}");
        return lines[(inclusiveStart ? from : from + 1)..(inclusiveEnd ? to + 1 : to)]
            .Select(Inner)
            .Select(l => inclusiveStart && l.StartsWith("Will erase:", StringComparison.Ordinal) ? l["Will erase:".Length..].Trim() : l)
            .Where(l => l.Length > 0)
            .ToList();
    }

    /// <summary>A screen line without the frame's side borders.</summary>
    private static string Inner(string line) => line.Trim().Trim('|', '│').Trim();

    private static void WaitForLine(SerialConsole c, Func<string, bool> line, string what, TimeSpan? timeout = null) =>
        c.WaitForScreen(s => s.Split('\n').Any(l => line(Inner(l))), timeout ?? Screen, what);

    [GeneratedRegex(@"SHA256:[A-Za-z0-9+/]{43}")]
    private static partial Regex Fingerprint();
}
