namespace Keel.Config.Model;

/// <summary>A preset file: the package list (and machine repositories) a preset stands for. Presets are data, one YAML file each.</summary>
public sealed class PresetDefinition
{
    [ConfigRequired]
    public string Name { get; set; } = "";

    public string Description { get; set; } = "";

    /// <summary>The comps environment the list mirrors, when the distribution has one (informational).</summary>
    public string? Environment { get; set; }

    /// <summary>The comps groups the list mirrors (informational).</summary>
    public List<string> Groups { get; set; } = [];

    [ConfigRequired]
    public List<string> Packages { get; set; } = [];

    /// <summary>`.repo` files the preset installs on the machine.</summary>
    public List<SystemRepository> SystemRepositories { get; set; } = [];
}
