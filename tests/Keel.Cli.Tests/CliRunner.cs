namespace Keel.Cli.Tests;

/// <summary>Runs the real keel command tree in-process and captures what it prints.</summary>
internal static class CliRunner
{
    public static async Task<(int Exit, string Out, string Err)> RunAsync(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        int exit = await KeelCli.RunAsync(args, stdout, stderr);
        return (exit, stdout.ToString(), stderr.ToString());
    }
}
