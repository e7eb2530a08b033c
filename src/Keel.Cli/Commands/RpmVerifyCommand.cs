using System.CommandLine;
using System.Text.Json;
using Keel.Errors;
using Keel.OpenPgp;
using Keel.Rpm;

namespace Keel.Cli.Commands;

/// <summary>`keel rpm verify FILE.rpm --key KEY.asc`: digests and signatures, one line per check like rpm -Kv.</summary>
internal static class RpmVerifyCommand
{
    public static Command Create()
    {
        var file = new Argument<FileInfo>("FILE") { Description = "The .rpm file to check." };
        var keys = new Option<FileInfo[]>("--key") { Description = "Trusted OpenPGP public key file (armored or binary); repeat for several.", AllowMultipleArgumentsPerToken = false };
        var json = new Option<bool>("--json") { Description = "Print one JSON object instead of lines." };
        var cmd = new Command(
            "verify",
            "Check a package's header and payload digests and its OpenPGP signatures, printing one line per check " +
            "(as rpm -Kv does) and a final verdict. Exit 0 when every check is OK, 1 when one is bad or a key is missing.\n\n" +
            "Example: keel rpm verify hello-2.0-1.x86_64.rpm --key RPM-GPG-KEY-test")
        {
            file, keys, json,
        };
        cmd.SetAction(parse =>
        {
            var path = parse.GetValue(file)!.FullName;
            var keyFiles = parse.GetValue(keys) ?? [];
            var ring = keyFiles.Length == 0 ? null : OpenPgpKeyRing.Combine(keyFiles.Select(k => OpenPgpKeyRing.Load(k.FullName)));
            var result = RpmPackageChecker.Verify(path, ring);
            var output = parse.InvocationConfiguration.Output;
            if (parse.GetValue(json))
            {
                var checks = result.Checks.Select(c => new RpmVerifyCheck(c.Name, c.StatusText, c.Detail.Length == 0 ? null : c.Detail, c.KeyId)).ToArray();
                output.WriteLine(JsonSerializer.Serialize(new RpmVerifyOutput(path, result.AllOk, checks), RpmJsonContext.Default.RpmVerifyOutput));
            }
            else
            {
                output.WriteLine(path + ":");
                foreach (var check in result.Checks)
                {
                    output.WriteLine("    " + check);
                }

                output.WriteLine(Verdict(result));
            }

            return result.AllOk ? ExitCodes.Ok : ExitCodes.Failed;
        });
        return cmd;
    }

    private static string Verdict(RpmVerification result)
    {
        if (result.AllOk)
        {
            return result.HasGoodSignature ? "digests signatures OK" : "digests OK (no signature checked)";
        }

        var problems = result.Checks.Where(c => c.Status != RpmCheckStatus.Ok).Select(c => c.StatusText).Distinct();
        return "NOT OK: " + string.Join(", ", problems);
    }
}
