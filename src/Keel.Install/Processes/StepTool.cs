using Keel.Processes;

namespace Keel.Install.Processes;

/// <summary>Runs a host tool for an engine step: Keel.Processes' runner, with the step id in front of every failure.</summary>
public static class StepTool
{
    /// <summary>Runs <paramref name="tool"/>; a failure is one IOException line "STEP: tool exited with status N: last stderr line".</summary>
    public static async Task<ToolResult> RunAsync(
        string stepId,
        string tool,
        IEnumerable<string> arguments,
        CancellationToken cancellationToken,
        IReadOnlyDictionary<string, string>? environment = null,
        string? debianPackage = null)
    {
        try
        {
            return await ToolRunner.RunAsync(tool, arguments, environment, cancellationToken, debianPackage: debianPackage).ConfigureAwait(false);
        }
        catch (IOException ex)
        {
            throw new IOException($"{stepId}: {ex.Message}", ex);
        }
    }
}
