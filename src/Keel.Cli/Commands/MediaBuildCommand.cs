using System.CommandLine;
using System.Globalization;
using Keel.Cli.Progress;
using Keel.Config.Loading;
using Keel.Config.Presets;
using Keel.Config.Validation;
using Keel.Errors;
using Keel.Media.Build;

namespace Keel.Cli.Commands;

/// <summary>`keel media build MEDIUM.yaml -o installer.iso --signing-key KEYID`: build an installer medium.</summary>
internal static class MediaBuildCommand
{
    public static Command Create()
    {
        var file = new Argument<string>("MEDIUM") { Description = "The keel/v1 `kind: Medium` document." };
        var output = new Option<string>("--output", "-o") { Description = "The ISO to write; it appears only when complete. SHA256SUMS and SHA256SUMS.asc are written beside it.", Required = true };
        var repo = new Option<string>("--repo") { Description = "Read the carried repositories given by path from DIR instead (a mirror); keys stay the document's." };
        var key = new Option<string>("--signing-key") { Description = "The gpg secret key (id, fingerprint or user id; GNUPGHOME's keyring) that signs the manifest, the offline repodata and SHA256SUMS. Required." };
        var gnupgHome = new Option<string>("--gnupg-home") { Description = "The gpg home that holds the signing key (as gpg --homedir); default: GNUPGHOME, else ~/.gnupg." };
        var progress = ProgressOptions.Create();
        var presets = ConfigValidateCommand.PresetsOption();
        var cmd = new Command("build",
            "Build a bootable, self-verifying installer ISO: the live environment installed from the live preset (rpm --root), " +
            "its UKI on an appended ESP (UEFI El Torito and GPT: boots as a CD and from a USB stick), an offline repository " +
            "with every package of the offered presets (signed repodata), and a signed manifest of every file.\n\n" +
            "SOURCE_DATE_EPOCH with a 'seed:' in the document makes the ISO bit-identical for the same inputs.\n\n" +
            "Example:\n  keel media build examples/fixture/installer.yaml -o installer.iso --signing-key 0x1234ABCD5678EF90\n" +
            "  keel media build installer.yaml -o installer.iso --signing-key release@example.com --gnupg-home /srv/release/gnupg")
        {
            file, output, repo, key, gnupgHome, progress, presets,
        };
        cmd.SetAction(async (parse, ct) =>
        {
            var path = parse.GetValue(file)!;
            var stderr = parse.InvocationConfiguration.Error;
            var catalog = PresetCatalog.CreateDefault(parse.GetValue(presets));
            var loaded = LoadValid(path, catalog, stderr, out var exit);
            if (loaded is null)
            {
                return exit;
            }

            var options = new MediumBuildOptions
            {
                Output = parse.GetValue(output)!,
                SigningKey = parse.GetValue(key),
                GnupgHome = parse.GetValue(gnupgHome),
                RepositoryDirectory = parse.GetValue(repo),
                SourceDateEpoch = ConfigCommandSupport.SourceDateEpoch(),
            };
            using var reporter = ProgressOptions.CreateReporter(parse.GetValue(progress)!, parse.InvocationConfiguration.Output, stderr);
            var result = await MediumBuilder.BuildAsync(loaded, catalog, options, reporter, ct).ConfigureAwait(false);
            foreach (var warning in result.Warnings)
            {
                await stderr.WriteLineAsync("keel: warning: " + warning).ConfigureAwait(false);
            }

            reporter.Complete(string.Create(CultureInfo.InvariantCulture,
                $"wrote {result.Output} ({ByteSize.Format(result.SizeBytes)}, {result.Files} signed files, {result.RepositoryPackages} packages offline, live root of {result.LivePackages}) signed by {result.KeyId} in {result.Elapsed.TotalSeconds:0} s; check it with: keel media verify {result.Output}"));
            return ExitCodes.Ok;
        });
        return cmd;
    }

    /// <summary>The validated medium document, or null with every error printed as FILE:LINE:COL.</summary>
    private static LoadedMedium? LoadValid(string path, PresetCatalog catalog, TextWriter stderr, out int exitCode)
    {
        var result = MediumValidator.LoadAndValidate(path, catalog);
        if (result.HasErrors || result.Medium is null)
        {
            foreach (var d in result.Diagnostics.Where(d => d.Severity == Severity.Error))
            {
                stderr.WriteLine(d.Format(path));
            }

            stderr.WriteLine($"keel: {path} is not a valid medium document");
            exitCode = result.Unsupported ? ExitCodes.Usage : ExitCodes.Failed;
            return null;
        }

        exitCode = ExitCodes.Ok;
        return result.Medium;
    }
}
