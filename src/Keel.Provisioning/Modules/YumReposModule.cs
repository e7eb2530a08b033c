using System.Globalization;
using System.Text;
using Keel.Errors;
using Keel.Provisioning.Config;
using Keel.Provisioning.Engine;

namespace Keel.Provisioning.Modules;

/// <summary>
/// cloud-init's yum_add_repo: each yum_repos entry becomes yum_repo_dir/ID.repo in dnf's ini format. Keys are lower-cased
/// with '-' as '_', booleans are written 1/0, lists become continuation lines; an existing file is left alone and a
/// repository without baseurl, metalink or mirrorlist is skipped with a warning, as cloud-init does.
/// </summary>
public sealed class YumReposModule : IModule
{
    /// <summary>Where .repo files go when yum_repo_dir is not set.</summary>
    public const string DefaultRepoDir = "/etc/yum.repos.d";

    /// <inheritdoc />
    public string Name => "yum_add_repo";

    /// <inheritdoc />
    public Frequency Frequency => Frequency.PerInstance;

    /// <inheritdoc />
    public Stage Stage => Stage.Config;

    /// <inheritdoc />
    public ModuleOutcome Run(ModuleContext context)
    {
        if (ConfigValues.Map(context.Config, "yum_repos", "yum_repos") is not { Count: > 0 } repos)
        {
            return ModuleOutcome.NothingToDo;
        }

        var dir = ConfigPathCheck.Absolute(ConfigValues.Text(context.Config, "yum_repo_dir", "yum_repos") ?? DefaultRepoDir, "yum_repo_dir").TrimEnd('/');

        // Every id and value is checked before anything is written, so a bad entry leaves no partial set of repositories.
        var pending = new List<(string Path, string Text)>();
        foreach (var (rawId, value) in repos.Entries)
        {
            var where = $"yum_repos.{rawId} (line {repos.KeyLine(rawId)})";
            var id = rawId.Replace(' ', '_');
            if (id.Length == 0 || id is "." or ".." || id.Any(c => c is '/' or '\\' or '[' or ']' || char.IsControl(c)))
            {
                throw new InvalidDataException($"{where}: repository id '{rawId}' may not contain path separators, brackets or control characters");
            }

            var path = $"{dir}/{id}.repo";
            if (context.Root.Exists(path))
            {
                context.Log.WriteLine($"yum_repos: {path} exists; {rawId} skipped");
                continue;
            }

            var settings = value switch
            {
                CloudMap m => m,
                CloudScalar { IsNull: true } => CloudMap.Empty,
                _ => throw ConfigValues.WrongType("yum_repos", rawId, value, "a mapping"),
            };
            var lines = new List<(string Key, string Value)>();
            foreach (var (rawKey, v) in settings.Entries)
            {
                var key = rawKey.Trim().ToLowerInvariant().Replace('-', '_');
                if (key.Length == 0)
                {
                    continue;
                }

                if (key.Any(c => c is '=' or '[' or ']' or '#' or ';' || char.IsWhiteSpace(c) || char.IsControl(c)))
                {
                    throw new InvalidDataException($"{where}: key '{rawKey}' is not a valid repository option name");
                }

                lines.Add((key, Format(v, $"{where}: {key}")));
            }

            if (!lines.Any(l => l.Key is "baseurl" or "metalink" or "mirrorlist"))
            {
                context.Warnings.Add(new(Severity.Warning, where, "needs at least one of baseurl, metalink or mirrorlist; skipped"));
                continue;
            }

            var text = new StringBuilder();
            text.Append(CultureInfo.InvariantCulture, $"# Created by keel-agent on {context.Options.Now:ddd, dd MMM yyyy HH:mm:ss +0000}\n[{id}]\n");
            foreach (var (key, formatted) in lines)
            {
                text.Append(key).Append('=').Append(formatted).Append('\n');
            }

            pending.Add((path, text.ToString()));
        }

        foreach (var (path, text) in pending)
        {
            context.Root.WriteText(path, text, (UnixFileMode)0x1a4);
            context.Log.WriteLine($"yum_repos: wrote {path}");
        }

        return pending.Count > 0 ? ModuleOutcome.Done : ModuleOutcome.NothingToDo;
    }

    private static string Format(CloudNode value, string where) => value switch
    {
        CloudScalar { Kind: ScalarKind.Boolean } b => b.Text == "true" ? "1" : "0",
        CloudScalar { IsNull: true } => "",
        CloudScalar s => SingleLine(s.Text, where),

        // dnf reads indented continuation lines as further list items (baseurl, gpgkey, exclude ...).
        CloudList l => string.Join("\n        ", l.Items.Select(i => i is CloudList or CloudMap ? throw new InvalidDataException($"{where}: list items must be scalars") : Format(i, where))),
        _ => throw new InvalidDataException($"{where} (line {value.Line}): a mapping is not a repository option value"),
    };

    private static string SingleLine(string text, string where) =>
        text.Contains('\n', StringComparison.Ordinal) || text.Contains('\r', StringComparison.Ordinal)
            ? throw new InvalidDataException($"{where}: value may not span lines")
            : text;
}
