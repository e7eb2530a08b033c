using System.CommandLine;

namespace Keel.Cli.Commands;

/// <summary>`keel rpm`: inspect and verify RPM package files.</summary>
internal static class RpmCommand
{
    public static Command Create()
    {
        var rpm = new Command("rpm", "Inspect and verify RPM package files.");
        rpm.Subcommands.Add(RpmInfoCommand.Create());
        rpm.Subcommands.Add(RpmVerifyCommand.Create());
        return rpm;
    }
}
