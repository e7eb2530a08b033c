using System.CommandLine;
using Keel.Errors;
using Keel.Solver.Testcase;

namespace Keel.Cli.Commands;

/// <summary>`keel repo testcase FILE.t`: run a libsolv testcase through Keel's solver and compare with its expected result.</summary>
internal static class RepoTestcaseCommand
{
    public static Command Create()
    {
        var file = new Argument<string>("FILE") { Description = "A libsolv testcase (.t) file." };
        var cmd = new Command(
            "testcase",
            "Run a libsolv testcase (.t) with Keel's solver and compare the transaction with the expected result.\n" +
            "Exit 0 when equal, 1 with a diff when not, 2 when the case uses a feature Keel does not implement.\n\n" +
            "Example: keel repo testcase libsolv/test/testcases/choose/default.t")
        {
            file,
        };
        cmd.SetAction(parse =>
        {
            var outcome = TestcaseRunner.Run(parse.GetValue(file)!);
            var output = parse.InvocationConfiguration.Output;
            switch (outcome.Status)
            {
                case TestcaseStatus.Pass:
                    output.WriteLine("pass");
                    return ExitCodes.Ok;
                case TestcaseStatus.Fail:
                    output.WriteLine(outcome.Detail);
                    return ExitCodes.Failed;
                default:
                    parse.InvocationConfiguration.Error.WriteLine("keel: " + outcome.Detail);
                    return ExitCodes.Usage;
            }
        });
        return cmd;
    }
}
