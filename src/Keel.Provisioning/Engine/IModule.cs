namespace Keel.Provisioning.Engine;

/// <summary>A cloud-init config module: its name (as in cloud.cfg), default frequency, stage and action.</summary>
public interface IModule
{
    /// <summary>cloud-init's module name, e.g. "write_files".</summary>
    string Name { get; }

    /// <summary>How often it runs.</summary>
    Frequency Frequency { get; }

    /// <summary>When it runs.</summary>
    Stage Stage { get; }

    /// <summary>Applies the module; throws (IOException, InvalidDataException, FormatException ...) naming what failed.</summary>
    ModuleOutcome Run(ModuleContext context);
}

/// <summary>How a module run ended when it did not throw.</summary>
public enum ModuleOutcome
{
    /// <summary>Done; its semaphore is written.</summary>
    Done,

    /// <summary>Nothing configured for it; its semaphore is written all the same, as cloud-init does.</summary>
    NothingToDo,

    /// <summary>Left for a later run that can do it (e.g. scripts in a root that may not execute them); no semaphore.</summary>
    Deferred,
}
