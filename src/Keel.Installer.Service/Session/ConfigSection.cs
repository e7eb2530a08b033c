namespace Keel.Installer.Service.Session;

/// <summary>The screens' sections of the config, each owning the key paths the validator reports on.</summary>
public enum ConfigSection
{
    Regional,
    Network,
    Source,
    Packages,
    Storage,
    Users,

    /// <summary>A key no screen edits (install, output, ...): shown only as a review blocker.</summary>
    Other,
}

/// <summary>Which section a validator key path (locale, users[0].name, storage.partitions[1].size) belongs to.</summary>
public static class ConfigSections
{
    /// <summary>The section of <paramref name="path"/>, by its first key.</summary>
    public static ConfigSection Of(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var end = path.AsSpan().IndexOfAny('.', '[');
        var head = end < 0 ? path : path[..end];
        return head switch
        {
            "locale" or "keyboard" or "timezone" => ConfigSection.Regional,
            "hostname" => ConfigSection.Network,
            "repositories" => ConfigSection.Source,
            "preset" or "packages" or "distribution" => ConfigSection.Packages,
            "storage" => ConfigSection.Storage,
            "users" or "ssh" or "groups" => ConfigSection.Users,
            _ => ConfigSection.Other,
        };
    }
}
