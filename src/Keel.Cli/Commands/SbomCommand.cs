using System.CommandLine;
using Keel.Errors;
using Keel.Sbom;

namespace Keel.Cli.Commands;

/// <summary>`keel sbom`: an SPDX 2.3 or CycloneDX 1.6 document of every package in a system's rpmdb.</summary>
internal static class SbomCommand
{
    public static Command Create()
    {
        var target = new SystemTargetOptions();
        var format = new Option<string>("--format")
        {
            Description = "spdx-json (SPDX 2.3) or cyclonedx-json (CycloneDX 1.6).",
            Required = true,
        };
        format.AcceptOnlyFromAmong("spdx-json", "cyclonedx-json");
        var output = new Option<string?>("--output", "-o") { Description = "Write the document to FILE (atomically) instead of stdout." };
        var cmd = new Command(
            "sbom",
            "Write a software bill of materials of a system: every package rpm -qa lists (gpg-pubkey keys included) with " +
            "name, version, arch, licence, supplier, purl, header SHA-256 and the installed packages it depends on; the " +
            "image (from usr/lib/keel/image.json when present) is the described component. The creation time is " +
            "SOURCE_DATE_EPOCH, else the manifest's build time, else the newest install time: the same root gives the " +
            "same bytes.\n\n" +
            "Examples:\n  keel sbom --root /mnt/image --format spdx-json -o image.spdx.json\n" +
            "  keel sbom --image disk.qcow2 --format cyclonedx-json > image.cdx.json\n\n" + ExitCodes.HelpText)
        {
            format, output,
        };
        target.AddTo(cmd);
        cmd.SetAction(async (parse, ct) =>
        {
            var sbomFormat = SbomWriter.ParseFormat(parse.GetValue(format)!);
            var outputPath = parse.GetValue(output);
            byte[] document;
            await using (var system = await target.OpenAsync(parse, ct).ConfigureAwait(false))
            {
                var inventory = SystemInventory.Read(system.Root, system.Description);
                var subject = SbomSubject.From(inventory, Environment.GetEnvironmentVariable("SOURCE_DATE_EPOCH"));
                document = SbomWriter.ToBytes(inventory, subject, sbomFormat);
            }

            if (outputPath is null)
            {
                await parse.InvocationConfiguration.Output.WriteAsync(System.Text.Encoding.UTF8.GetString(document)).ConfigureAwait(false);
            }
            else
            {
                WriteAtomically(outputPath, document);
            }

            return ExitCodes.Ok;
        });
        return cmd;
    }

    // A reader of FILE sees the old document or the new one, never half of one.
    private static void WriteAtomically(string path, byte[] content)
    {
        var full = Path.GetFullPath(path);
        var temp = Path.Combine(Path.GetDirectoryName(full)!, $".{Path.GetFileName(full)}.{Environment.ProcessId}.partial");
        try
        {
            File.WriteAllBytes(temp, content);
            File.Move(temp, full, overwrite: true);
        }
        finally
        {
            File.Delete(temp);
        }
    }
}
