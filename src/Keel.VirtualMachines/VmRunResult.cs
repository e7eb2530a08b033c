namespace Keel.VirtualMachines;

/// <summary>How a run ended.</summary>
public enum VmRunOutcome
{
    /// <summary>The expected text appeared; qemu was then stopped.</summary>
    ExpectedTextSeen,

    /// <summary>qemu exited on its own (guest powered off or rebooted, or qemu failed).</summary>
    QemuExited,

    /// <summary>The time limit passed; qemu was stopped.</summary>
    TimedOut,
}

/// <summary>The end of a `keel vm run`: outcome, qemu's exit status if it exited by itself, and the tail of the console and of qemu's stderr.</summary>
public sealed record VmRunResult(
    VmRunOutcome Outcome,
    int? QemuExitCode,
    TimeSpan Elapsed,
    IReadOnlyList<string> LastConsoleLines,
    IReadOnlyList<string> QemuErrorLines);
