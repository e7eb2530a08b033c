using System.CommandLine;
using System.Globalization;
using Keel.Config.Loading;
using Keel.Config.Model;
using Keel.Config.Validation;
using Keel.Errors;
using Keel.ImageManifest;
using Keel.Install;

namespace Keel.Cli.Commands;

/// <summary>`keel build CONFIG -o IMAGE`: build a bootable disk image from a config and its repositories.</summary>
internal static class BuildCommand
{
    public static Command Create()
    {
        var shared = new EngineCommandOptions();
        var output = new Option<string>("--output", "-o") { Description = "The image to write; replaced only when the new one is complete.", Required = true };
        var format = new Option<string>("--format") { Description = "raw, qcow2, vhd (fixed, Azure-ready) or vhdx. Default: the config's output.format, else the extension of -o." };
        format.AcceptOnlyFromAmong("raw", "qcow2", "vhd", "vhdx");
        var pin = new Option<string>("--pin")
        {
            Description = "Rebuild exactly the package set of an image manifest (an image's /usr/lib/keel/image.json): the same NEVRAs, " +
                "taken from the config's repositories; refused, naming the package, when a repository no longer has one.",
        };
        return shared.CreateCommand("build",
            "Build a bootable disk image: resolve and download the packages (signatures checked), install them with rpm --root, " +
            "apply the system settings, install systemd-boot with a unified kernel image, and write GPT + filesystems in user space " +
            "(no mounts, no loop devices). The output appears only when complete; scratch files are removed also on failure.\n\n" +
            "SOURCE_DATE_EPOCH fixes every time stamp; with a 'seed:' in the config every UUID is derived from it.\n\n" +
            "Examples:\n" +
            "  keel build examples/fixture/container-host.yaml -o host.raw\n" +
            "  keel build my.yaml -o azure.vhd --repo /srv/mirror/azurelinux --progress json\n" +
            "  keel build my.yaml -o week2.qcow2 --pin week1-image.json --signing-key distro-key.asc",
            [output, format, pin],
            async (parse, loaded, request, ct) =>
        {
            await using var signingKey = await shared.OpenSigningKeyAsync(parse, ct).ConfigureAwait(false);
            var pinned = parse.GetValue(pin) is { Length: > 0 } manifest ? new PackagePin(manifest, ImageManifestJson.Load(manifest).Packages) : null;
            var engine = EngineCommandOptions.CreateEngine(signingKey, pinned);
            var formatName = parse.GetValue(format);
            var plan = engine.PlanImage(loaded, request, parse.GetValue(output)!,
                formatName is not null && ConfigNames.TryParseEnum(typeof(ImageFormat), formatName, out var v) ? (ImageFormat)v! : null);
            using var reporter = shared.CreateReporter(parse);
            var result = await engine.ExecuteAsync(plan, reporter, ct).ConfigureAwait(false);
            var target = result.Target;
            reporter.Complete($"wrote {target.Path} ({ConfigNames.EnumValue(target.Format!.Value)}, {ByteSize.Format(target.SizeBytes)}, {result.Packages.Count} packages); boot it with: keel vm run {target.Path}");
            return ExitCodes.Ok;
        });
    }
}
