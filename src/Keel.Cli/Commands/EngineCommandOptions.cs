using System.CommandLine;
using Keel.Cli.Progress;
using Keel.Config.Loading;
using Keel.Config.Presets;
using Keel.Install;
using Keel.Install.Engine;
using Keel.Progress;

namespace Keel.Cli.Commands;

/// <summary>
/// The arguments `keel build` and `keel install` share (CONFIG, --progress, the presets and repository overrides) and the
/// flow they share: load and validate the config for the engine, make the engine, report progress. One place, so the two
/// commands cannot drift apart in how they read a config.
/// </summary>
internal sealed class EngineCommandOptions
{
    private readonly RepoOptions.Override _repo = new();

    /// <summary>The config argument.</summary>
    public Argument<string> File { get; } = new("CONFIG") { Description = "The keel/v1 YAML config." };

    /// <summary>--progress.</summary>
    public Option<string> ProgressMode { get; } = ProgressOptions.Create();

    /// <summary>--signing-key: signs the image manifest.</summary>
    public Option<string> SigningKey { get; } = new("--signing-key")
    {
        Description = "Sign the machine's image manifest (/usr/lib/keel/image.json.asc): an armored OpenPGP secret key file, or a key id, " +
            "fingerprint or user id in the gpg keyring (GNUPGHOME). With SOURCE_DATE_EPOCH the signature is reproducible too.",
    };

    /// <summary>The preset directories option.</summary>
    public Option<string[]> Presets { get; } = ConfigValidateCommand.PresetsOption();

    /// <summary>
    /// The command: CONFIG, its own options, then --progress, the presets option and the repository overrides. Its action
    /// loads the config for the engine and runs <paramref name="run"/> with it; a config that does not load ends the
    /// command with the loader's exit code, its errors written.
    /// </summary>
    public Command CreateCommand(string name, string description, IEnumerable<Option> options, Func<ParseResult, LoadedConfig, PackageRequest, CancellationToken, Task<int>> run)
    {
        var cmd = new Command(name, description) { File };
        foreach (var option in options)
        {
            cmd.Options.Add(option);
        }

        cmd.Options.Add(SigningKey);
        cmd.Options.Add(ProgressMode);
        cmd.Options.Add(Presets);
        _repo.AddTo(cmd);
        cmd.SetAction(async (parse, ct) =>
        {
            var loaded = ConfigCommandSupport.LoadForEngine(parse.GetValue(File)!, parse.GetValue(Presets), _repo.Read(parse), parse.InvocationConfiguration.Error, out var exit);
            return loaded is var (config, request) ? await run(parse, config, request, ct).ConfigureAwait(false) : exit;
        });
        return cmd;
    }

    /// <summary>The engine, with SOURCE_DATE_EPOCH when it is set.</summary>
    public static InstallEngine CreateEngine() => new(new EngineOptions { SourceDateEpoch = ConfigCommandSupport.SourceDateEpoch() });

    /// <summary>The engine with SOURCE_DATE_EPOCH and the manifest signer of --signing-key (when given).</summary>
    public static InstallEngine CreateEngine(Keel.Install.Signing.SigningKey? signingKey, PackagePin? pin = null) =>
        new(new EngineOptions { SourceDateEpoch = ConfigCommandSupport.SourceDateEpoch(), ManifestSigner = signingKey?.Signer, Pin = pin });

    /// <summary>The key --signing-key names, opened (a bad key fails here, before anything is built); null when not given.</summary>
    public async Task<Keel.Install.Signing.SigningKey?> OpenSigningKeyAsync(ParseResult parse, CancellationToken ct) =>
        parse.GetValue(SigningKey) is { Length: > 0 } spec
            ? await Keel.Install.Signing.SigningKey.OpenAsync(spec, ConfigCommandSupport.SourceDateEpoch(), ct).ConfigureAwait(false)
            : null;

    /// <summary>The progress reporter --progress asks for.</summary>
    public ProgressReporter CreateReporter(ParseResult parse) =>
        ProgressOptions.CreateReporter(parse.GetValue(ProgressMode)!, parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error);
}
