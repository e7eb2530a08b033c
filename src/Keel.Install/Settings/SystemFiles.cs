using System.Globalization;
using System.Text;
using Keel.Config.Model;
using Keel.TargetSystem;
using Keel.TargetSystem.Accounts;
using Keel.TargetSystem.Repositories;

namespace Keel.Install.Settings;

/// <summary>A filesystem of the machine as /etc/fstab names it.</summary>
public sealed record FstabEntry(string Spec, string MountPoint, string Type, string Options, int Pass);

/// <summary>The small configuration files of the machine: locale, keymap, time zone, SELinux, files, .repo files, fstab, machine-id.</summary>
public static class SystemFiles
{
    private const UnixFileMode Public = (UnixFileMode)0x1a4; // 0644

    /// <summary>/etc/hostname, or nothing when the config leaves the name to DHCP or cloud-init.</summary>
    public static string Hostname(TargetRoot root, string? hostname)
    {
        if (hostname is null)
        {
            return "left unset";
        }

        root.WriteText("/etc/hostname", hostname + "\n", Public);
        return hostname;
    }

    /// <summary>/etc/locale.conf.</summary>
    public static void Locale(TargetRoot root, string locale) => root.WriteText("/etc/locale.conf", $"LANG={locale}\n", Public);

    /// <summary>/etc/vconsole.conf.</summary>
    public static void Keyboard(TargetRoot root, string keymap) => root.WriteText("/etc/vconsole.conf", $"KEYMAP={keymap}\n", Public);

    /// <summary>/etc/localtime as systemd expects it: a relative symlink into the zoneinfo tree. Returns a warning when the zone file is missing.</summary>
    public static string? Timezone(TargetRoot root, string zone)
    {
        var zoneFile = "/usr/share/zoneinfo/" + TargetRoot.CheckConfigPath("/" + zone, "timezone")[1..];
        root.Symlink("/etc/localtime", ".." + zoneFile);
        return root.Exists(zoneFile) ? null : $"{zoneFile} is not in the target (is tzdata installed?); /etc/localtime points at it anyway";
    }

    /// <summary>/etc/selinux/config; a relabel on first boot when a policy is installed, since files made here carry no labels.</summary>
    public static string Selinux(TargetRoot root, SelinuxMode mode)
    {
        var name = Keel.Config.Loading.ConfigNames.EnumValue(mode);
        root.WriteText("/etc/selinux/config", $"# Written by keel.\nSELINUX={name}\nSELINUXTYPE=targeted\n", Public);
        var policy = root.Exists("/etc/selinux/targeted/contexts/files/file_contexts");
        if (mode != SelinuxMode.Disabled && policy)
        {
            root.WriteText("/.autorelabel", "", Public);
            return $"SELINUX={name}; the first boot relabels the filesystem";
        }

        return $"SELINUX={name}{(policy ? "" : "; no policy installed, nothing to relabel")}";
    }

    /// <summary>The config's files, with mode and owner (names looked up in the target's account files).</summary>
    public static void Files(TargetRoot root, IReadOnlyList<FileConfig> files, DateTimeOffset now)
    {
        var db = AccountDatabase.Load(root, now);
        foreach (var f in files)
        {
            var path = TargetRoot.CheckConfigPath(f.Path, "files");
            var mode = (UnixFileMode)Convert.ToInt32(f.Mode, 8);
            var (user, group) = f.Owner.Split(':', 2) is [var u, var g] ? (u, g) : (f.Owner, (string?)null);
            var uid = db.FindUser(user)?.Uid ?? (int.TryParse(user, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n
                : throw new InvalidDataException($"system.files: {f.Path}: owner '{user}' is not a user of the target"));
            var gid = group is null ? db.FindUser(user)?.Gid ?? 0
                : db.FindGroup(group) ?? (int.TryParse(group, NumberStyles.None, CultureInfo.InvariantCulture, out var m) ? m
                    : throw new InvalidDataException($"system.files: {f.Path}: group '{group}' is not a group of the target"));
            root.WriteText(path, f.Content, mode, uid, gid);
        }
    }

    /// <summary>One .repo file per repository (dnf's format).</summary>
    public static void Repositories(TargetRoot root, IEnumerable<SystemRepository> repos)
    {
        foreach (var r in repos)
        {
            var where = $"repository {r.Id}";
            var options = new List<(string Key, IReadOnlyList<string> Values)>
            {
                ("name", [r.Name ?? r.Id]),
                ("baseurl", [r.Baseurl]),
                ("enabled", [r.Enabled ? "1" : "0"]),
                ("gpgcheck", [r.Gpgcheck ? "1" : "0"]),
                ("repo_gpgcheck", [r.RepoGpgcheck ? "1" : "0"]),
            };
            if (r.Gpgkeys.Count > 0)
            {
                options.Add(("gpgkey", [string.Join(' ', r.Gpgkeys)]));
            }

            RepoFiles.Write(root, TargetRoot.CheckConfigPath(r.File ?? $"{RepoFiles.DefaultDirectory}/{r.Id}.repo", where), RepoFiles.Render(r.Id, options, where));
        }
    }

    /// <summary>/etc/fstab, every filesystem by UUID, parents before children.</summary>
    public static void Fstab(TargetRoot root, IEnumerable<FstabEntry> entries)
    {
        var sb = new StringBuilder("# Written by keel: filesystems by UUID.\n");
        foreach (var e in entries.OrderBy(e => e.MountPoint == "none" ? int.MaxValue : e.MountPoint.Length).ThenBy(e => e.MountPoint, StringComparer.Ordinal))
        {
            sb.Append(CultureInfo.InvariantCulture, $"{e.Spec} {e.MountPoint} {e.Type} {e.Options} 0 {e.Pass}\n");
        }

        root.WriteText("/etc/fstab", sb.ToString(), Public);
    }

    /// <summary>
    /// An empty /etc/machine-id for images (systemd fills it on first boot, and every clone gets its own), a fresh one for
    /// a machine installed in place.
    /// </summary>
    public static void MachineId(TargetRoot root, bool image)
    {
        var id = image ? "" : Guid.NewGuid().ToString("N") + "\n";
        root.WriteText("/etc/machine-id", id, (UnixFileMode)0x124); // 0444
    }
}
