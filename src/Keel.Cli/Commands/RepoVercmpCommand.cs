using System.CommandLine;
using Keel.Errors;
using Keel.Packaging;

namespace Keel.Cli.Commands;

/// <summary>`keel repo vercmp A B`: rpm's version comparison.</summary>
internal static class RepoVercmpCommand
{
    public static Command Create()
    {
        var a = new Argument<string>("A") { Description = "First [EPOCH:]VERSION[-RELEASE]." };
        var b = new Argument<string>("B") { Description = "Second [EPOCH:]VERSION[-RELEASE]." };
        var cmd = new Command("vercmp", "Compare two EVRs as rpm does and print -1, 0 or 1.\n\nExample: keel repo vercmp 1.0~rc1 1.0   prints -1")
        {
            a, b,
        };
        cmd.SetAction(parse =>
        {
            var result = Evr.Parse(parse.GetValue(a)!).CompareTo(Evr.Parse(parse.GetValue(b)!));
            parse.InvocationConfiguration.Output.WriteLine(result.ToString(System.Globalization.CultureInfo.InvariantCulture));
            return ExitCodes.Ok;
        });
        return cmd;
    }
}
