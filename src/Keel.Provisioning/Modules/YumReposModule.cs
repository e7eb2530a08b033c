using System.Globalization;
using Keel.Errors;
using Keel.Provisioning.Config;
using Keel.Provisioning.Engine;
using Keel.TargetSystem.Repositories;

namespace Keel.Provisioning.Modules;

/// <summary>
/// cloud-init's yum_add_repo: each yum_repos entry becomes yum_repo_dir/ID.repo in dnf's ini format. Keys are lower-cased
/// with '-' as '_', booleans are written 1/0, lists become continuation lines; an existing file is left alone and a
/// repository without baseurl, metalink or mirrorlist is skipped with a warning, as cloud-init does.
/// </summary>
public sealed class YumReposModule() : CloudConfigModule("yum_add_repo", Frequency.PerInstance, Stage.Config)
{
    /// <summary>Where .repo files go when yum_repo_dir is not set.</summary>
    public const string DefaultRepoDir = RepoFiles.DefaultDirectory;

    /// <inheritdoc />
    public override ModuleOutcome Run(ModuleContext context)
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
            var id = RepoFiles.CheckId(rawId.Replace(' ', '_'), where);
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
            var lines = new List<(string Key, IReadOnlyList<string> Values)>();
            foreach (var (rawKey, v) in settings.Entries)
            {
                var key = rawKey.Trim().ToLowerInvariant().Replace('-', '_');
                if (key.Length > 0)
                {
                    lines.Add((key, Values(v, $"{where}: {key}")));
                }
            }

            if (!lines.Any(l => l.Key is "baseurl" or "metalink" or "mirrorlist"))
            {
                context.Warnings.Add(new(Severity.Warning, where, "needs at least one of baseurl, metalink or mirrorlist; skipped"));
                continue;
            }

            var text = RepoFiles.Render(id, lines, where, string.Create(CultureInfo.InvariantCulture, $"Created by keel-agent on {context.Options.Now:ddd, dd MMM yyyy HH:mm:ss +0000}"));
            pending.Add((path, text));
        }

        foreach (var (path, text) in pending)
        {
            RepoFiles.Write(context.Root, path, text);
            context.Log.WriteLine($"yum_repos: wrote {path}");
        }

        return pending.Count > 0 ? ModuleOutcome.Done : ModuleOutcome.NothingToDo;
    }

    // Booleans as dnf writes them; a list becomes several values (continuation lines).
    private static IReadOnlyList<string> Values(CloudNode value, string where) => value switch
    {
        CloudScalar { Kind: ScalarKind.Boolean } b => [b.Text == "true" ? "1" : "0"],
        CloudScalar { IsNull: true } => [""],
        CloudScalar s => [s.Text],
        CloudList l => l.Items.Select(i => i is CloudScalar s ? Values(s, where)[0] : throw new InvalidDataException($"{where}: list items must be scalars")).ToList(),
        _ => throw new InvalidDataException($"{where} (line {value.Line}): a mapping is not a repository option value"),
    };
}
