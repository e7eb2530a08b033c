using System.CommandLine;
using System.Text.Json;
using Keel.Advisories;
using Keel.Errors;
using Keel.ImageManifest;
using Keel.Inspection;
using Keel.Sbom;

namespace Keel.Cli.Commands;

/// <summary>`keel diff OLD NEW`: what changed between two images, manifests or roots.</summary>
internal static class DiffCommand
{
    public static Command Create()
    {
        var repoOptions = new RepoOptions();
        var oldArg = new Argument<string>("OLD") { Description = "The old system: a disk image, an image.json manifest or a root directory." };
        var newArg = new Argument<string>("NEW") { Description = "The new system, of any of the same kinds." };
        var json = new Option<bool>("--json") { Description = "Print one JSON object." };
        var cmd = new Command(
            "diff",
            "Compare two systems, e.g. last week's image and this week's rebuild: packages added, removed, upgraded and " +
            "downgraded (rpmvercmp), the advisories of --repo/--repofile that applied to OLD and no longer apply to NEW " +
            "(and the reverse), and the lines of the manifests' (redacted) config that changed. A directory is a root; a " +
            "file starting with '{' is a manifest (usr/lib/keel/image.json); any other file is a disk image.\n\n" +
            "Examples:\n  keel diff week1/image.json week2/image.json --repo /srv/mirror/azl4\n" +
            "  keel diff old.qcow2 new.qcow2 --json\n\n" +
            "Exit codes: 0 compared (whether or not anything differs), 1 failed, 2 usage error, 130 interrupted.")
        {
            oldArg, newArg, json,
        };
        repoOptions.AddTo(cmd);
        cmd.SetAction(async (parse, ct) =>
        {
            var oldPath = parse.GetValue(oldArg)!;
            var newPath = parse.GetValue(newArg)!;
            var anyRepo = (parse.GetValue(repoOptions.Repo) ?? []).Length > 0 || (parse.GetValue(repoOptions.RepoFile) ?? []).Length > 0;
            var advisories = anyRepo
                ? await ScanCommand.LoadAdvisoriesAsync(repoOptions.Read(parse), parse.InvocationConfiguration.Error, ct).ConfigureAwait(false)
                : [];
            var oldSystem = await SnapshotAsync(oldPath, ct).ConfigureAwait(false);
            var newSystem = await SnapshotAsync(newPath, ct).ConfigureAwait(false);
            var diff = ImageDiff.Compare(oldSystem, newSystem, advisories);
            var output = parse.InvocationConfiguration.Output;
            if (parse.GetValue(json))
            {
                var report = AdvisoryReports.ToReport(oldSystem.Description, newSystem.Description, diff);
                await output.WriteLineAsync(JsonSerializer.Serialize(report, AdvisoriesJsonContext.Default.DiffReport)).ConfigureAwait(false);
            }
            else
            {
                foreach (var line in AdvisoryReports.DiffText(diff))
                {
                    await output.WriteLineAsync(line).ConfigureAwait(false);
                }

                if (diff.IsEmpty)
                {
                    await output.WriteLineAsync("no differences").ConfigureAwait(false);
                }
            }

            return ExitCodes.Ok;
        });
        return cmd;
    }

    /// <summary>Reads one side: a root directory, a manifest file or a disk image.</summary>
    internal static async Task<SystemSnapshot> SnapshotAsync(string path, CancellationToken cancellationToken)
    {
        if (Directory.Exists(path))
        {
            await using var root = InspectedSystem.OpenRoot(path);
            return SystemSnapshot.FromInventory(SystemInventory.Read(root.Root, root.Description));
        }

        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"{path}: no such image, manifest or directory", path);
        }

        if (StartsWithBrace(path))
        {
            return SystemSnapshot.FromManifest(ImageManifestJson.Load(path), $"manifest {path}");
        }

        await using var image = await InspectedSystem.OpenImageAsync(path, cancellationToken).ConfigureAwait(false);
        return SystemSnapshot.FromInventory(SystemInventory.Read(image.Root, image.Description));
    }

    // A JSON manifest starts with '{' after optional whitespace (and a UTF-8 BOM); no disk image format does.
    private static bool StartsWithBrace(string path)
    {
        using var stream = File.OpenRead(path);
        Span<byte> buffer = stackalloc byte[64];
        int n = stream.Read(buffer);
        foreach (var b in buffer[..n])
        {
            if (b is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n' or 0xEF or 0xBB or 0xBF)
            {
                continue;
            }

            return b == (byte)'{';
        }

        return false;
    }
}
