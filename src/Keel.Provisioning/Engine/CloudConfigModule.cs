namespace Keel.Provisioning.Engine;

/// <summary>
/// A module whose name, frequency and stage are fixed when it is made; they are data, so each module states them once in
/// its header instead of repeating three properties.
/// </summary>
public abstract class CloudConfigModule(string name, Frequency frequency, Stage stage) : IModule
{
    /// <inheritdoc />
    public string Name { get; } = name;

    /// <inheritdoc />
    public Frequency Frequency { get; } = frequency;

    /// <inheritdoc />
    public Stage Stage { get; } = stage;

    /// <inheritdoc />
    public abstract ModuleOutcome Run(ModuleContext context);
}
