using System.CommandLine;
using Keel.Errors;
using Keel.Inspection;
using Keel.Validation;

namespace Keel.Cli.Commands;

/// <summary>`keel validate --root DIR | --image IMAGE`: prove from a host that a machine is the certified image it was built as.</summary>
internal static class ValidateCommand
{
    public static Command Create()
    {
        var root = new Option<DirectoryInfo>("--root") { Description = "The machine's root tree (a mounted or extracted root filesystem)." };
        var image = new Option<FileInfo>("--image") { Description = "A disk image (raw, qcow2, vhd, vhdx): its root filesystem is opened read-only." };
        var json = new Option<bool>("--json") { Description = "Print one JSON document instead of lines." };
        var keys = new Option<FileInfo[]>("--key") { Description = "Trusted OpenPGP public key file (the distribution key); repeat for several. Without it the release's own keys are used." };
        var cmd = new Command(
            "validate",
            "Check a machine's root tree or disk image against its certified image, one line per check, without changing it " +
            "(nothing in the root is followed out of it). The same checks run inside the machine as keel-validate.\n\n" +
            ValidationReportWriter.ChecksHelp + "\n\n" +
            "Examples:\n" +
            "  keel validate --image disk.qcow2 --key RPM-GPG-KEY-azurelinux\n" +
            "  keel validate --root /mnt/sysroot --json | jq '.results[] | select(.status != \"PASS\")'\n\n" +
            ExitCodes.HelpText)
        {
            root, image, json, keys,
        };
        cmd.Validators.Add(result =>
        {
            if ((result.GetValue(root) is null) == (result.GetValue(image) is null))
            {
                result.AddError("give exactly one of --root DIR or --image IMAGE");
            }
        });
        cmd.SetAction(async (parse, ct) =>
        {
            var rootDir = parse.GetValue(root);
            var imageFile = parse.GetValue(image);
            await using var system = rootDir is not null
                ? InspectedSystem.OpenRoot(rootDir.FullName)
                : await InspectedSystem.OpenImageAsync(imageFile!.FullName, ct).ConfigureAwait(false);
            var keyFiles = (parse.GetValue(keys) ?? []).Select(k => k.FullName).ToList();
            foreach (var key in keyFiles.Where(k => !File.Exists(k)))
            {
                throw new FileNotFoundException($"{key}: no such key file", key);
            }

            var report = SystemValidator.Validate(new ValidationOptions(system.Root, keyFiles, Running: false), system.Description);
            ValidationReportWriter.Write(report, parse.InvocationConfiguration.Output, parse.GetValue(json));
            return report.Failed ? ExitCodes.Failed : ExitCodes.Ok;
        });
        return cmd;
    }
}
