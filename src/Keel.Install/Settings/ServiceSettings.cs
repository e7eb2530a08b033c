using Keel.Config.Model;
using Keel.Install.Processes;
using Keel.TargetSystem;

namespace Keel.Install.Settings;

/// <summary>Enables services per the distribution's presets, then the config's enable/disable lists, with the host's systemctl --root.</summary>
public static class ServiceSettings
{
    /// <summary>Applies presets and the lists; a unit the target does not have is an error naming it.</summary>
    public static async Task<string> ApplyAsync(TargetRoot root, ServicesConfig services, CancellationToken cancellationToken)
    {
        var done = new List<string>();
        // With no preset files systemd's default is "enable everything", which is never what a distribution means.
        var presetDir = root.Resolve("/usr/lib/systemd/system-preset");
        if (Directory.Exists(presetDir) && Directory.EnumerateFiles(presetDir, "*.preset").Any())
        {
            await Systemctl(root, ["preset-all"], cancellationToken).ConfigureAwait(false);
            done.Add("presets applied");
        }

        foreach (var unit in services.Enable)
        {
            RequireUnit(root, unit);
            await Systemctl(root, ["enable", unit], cancellationToken).ConfigureAwait(false);
        }

        foreach (var unit in services.Disable)
        {
            RequireUnit(root, unit);
            await Systemctl(root, ["disable", unit], cancellationToken).ConfigureAwait(false);
        }

        done.Add($"enabled {services.Enable.Count}, disabled {services.Disable.Count}");
        return string.Join("; ", done);
    }

    private static void RequireUnit(TargetRoot root, string unit)
    {
        var name = unit.Contains('.', StringComparison.Ordinal) ? unit : unit + ".service";
        if (name.Contains('/', StringComparison.Ordinal) || !new[] { "/usr/lib/systemd/system/", "/etc/systemd/system/" }.Any(d => root.Exists(d + name)))
        {
            throw new InvalidDataException($"system.services: the target has no unit '{unit}' (looked in /usr/lib/systemd/system and /etc/systemd/system); is its package in the config?");
        }
    }

    private static Task Systemctl(TargetRoot root, IEnumerable<string> args, CancellationToken cancellationToken) =>
        StepTool.RunAsync("system.services", "systemctl", ["--root", root.RootPath, "--quiet", .. args], cancellationToken, debianPackage: "systemd");
}
