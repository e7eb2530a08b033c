using Keel.Errors;

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

/// <summary>The failures a module reports as a one-line message (anything else is a bug and keeps its type name).</summary>
public static class ModuleFailures
{
    /// <summary>
    /// IO, bad data or text, permissions, and Keel's own refusals (a link into or out of the root, a limit): what bad
    /// config or a hostile root produces, worded for the status by whoever threw it.
    /// </summary>
    public static bool IsExpected(Exception exception) =>
        exception is IOException or InvalidDataException or FormatException or UnauthorizedAccessException or KeelException;
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
