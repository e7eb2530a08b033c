namespace Keel.Provisioning.Tests.SideBySide;

/// <summary>
/// Stand-ins in a chroot copy's /usr/local/sbin (first on PATH, outside the compared trees) that only append their name
/// and arguments to /usr/local/calls.log, so what an agent asks systemctl, localectl or modprobe to do can be compared.
/// </summary>
internal static class RecordingTools
{
    private const string Recorder = "#!/bin/sh\n{ printf '%s' \"${0##*/}\"; for a in \"$@\"; do printf ' [%s]' \"$a\"; done; echo; } >> /usr/local/calls.log\n";

    /// <summary>Installs a recorder for each of <paramref name="tools"/> under <paramref name="root"/>.</summary>
    public static void Install(string root, params string[] tools)
    {
        foreach (var tool in tools)
        {
            var path = root + "/usr/local/sbin/" + tool;
            File.WriteAllText(path, Recorder);
            File.SetUnixFileMode(path, (UnixFileMode)0x1ed);
        }
    }

    /// <summary>The calls recorded in <paramref name="root"/>, one line each: `tool [arg] [arg]`.</summary>
    public static string[] Calls(string root) => File.ReadAllLines(root + "/usr/local/calls.log");
}
