using System.CommandLine;
using System.Text.Json;
using Keel.Errors;
using Keel.Packaging;
using Keel.Repository;
using Keel.Repository.Resolution;
using Keel.RpmDb;
using Keel.Solver;

namespace Keel.Cli.Commands;

/// <summary>`keel repo resolve SPEC...`: resolve an install request against repositories (and optionally an installed root).</summary>
internal static class RepoResolveCommand
{
    public static Command Create()
    {
        var repoOptions = new RepoOptions();
        var specs = new Argument<string[]>("SPEC")
        {
            Description = "What to install: a name, a NEVRA, a provide ('foo >= 1.2' as one argument), a file path, @group or @^environment.",
            Arity = ArgumentArity.OneOrMore,
        };
        var root = new Option<string?>("--root") { Description = "An installed root whose rpmdb is the starting point (upgrades and removals are then reported)." };
        var noRecommends = new Option<bool>("--no-recommends") { Description = "Do not install weak dependencies (dnf's install_weak_deps=False)." };
        var noBest = new Option<bool>("--nobest") { Description = "Allow older candidates when the newest cannot be installed (dnf's best=False)." };
        var allowErasing = new Option<bool>("--allowerasing") { Description = "Allow removing installed packages to resolve conflicts." };
        var json = new Option<bool>("--json") { Description = "Print {\"install\": [...]} (plus upgrade/downgrade/remove with --root)." };
        var cmd = new Command(
            "resolve",
            "Resolve dependencies like dnf install and print the packages to install, one NEVRA per line, sorted.\n" +
            "When the request cannot be satisfied the explanation goes to stderr and the exit code is 1.\n\n" +
            "Example: keel repo resolve --repo ./baseos --repo ./appstream podman 'openssh-server >= 8' @core")
        {
            specs, root, noRecommends, noBest, allowErasing, json,
        };
        repoOptions.AddTo(cmd);
        cmd.SetAction(async (parse, ct) =>
        {
            var request = repoOptions.Read(parse);
            var specList = parse.GetValue(specs) ?? [];
            using var loader = new RepositoryLoader();
            var loadOptions = RepoOptions.LoadOptions(request, includeFilelists: specList.Any(s => s.StartsWith('/')));
            var repos = await RepoOptions.LoadAllAsync(loader, request, loadOptions, parse.InvocationConfiguration.Error, ct).ConfigureAwait(false);

            var pool = PackageSpecResolver.BuildPool(repos, request.Arch);

            var rootDir = parse.GetValue(root);
            if (rootDir is not null)
            {
                var db = RpmDatabase.Open(rootDir);
                pool.SetInstalled(db.Packages.Select(p => p.Metadata).Where(p => p.Name != "gpg-pubkey"));
            }

            var jobs = PackageSpecResolver.Jobs(specList, repos, pool);
            foreach (var skipped in jobs.Skipped)
            {
                await parse.InvocationConfiguration.Error.WriteLineAsync("keel: " + skipped).ConfigureAwait(false);
            }
            var options = new SolverOptions
            {
                NoRecommends = parse.GetValue(noRecommends),
                Best = !parse.GetValue(noBest),
                AllowErasing = parse.GetValue(allowErasing),
            };
            var result = Keel.Solver.Solver.Solve(pool, jobs.Jobs, options);
            if (!result.Succeeded)
            {
                foreach (var problem in result.Problems)
                {
                    await parse.InvocationConfiguration.Error.WriteLineAsync("keel: " + problem.Message).ConfigureAwait(false);
                }

                return ExitCodes.Failed;
            }

            await Print(parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error, result.Transaction!, rootDir is not null, parse.GetValue(json)).ConfigureAwait(false);
            return ExitCodes.Ok;
        });
        return cmd;
    }

    // stdout stays one NEVRA per line (what ends up installed) so scripts can read it; what is replaced or removed
    // goes to stderr in words, and to the JSON object's own arrays.
    private static async Task Print(TextWriter output, TextWriter diagnostics, Transaction tx, bool withRoot, bool json)
    {
        if (json)
        {
            var doc = new ResolveResult(
                [.. tx.Install.Select(p => p.Nevra)],
                withRoot ? [.. tx.Upgrade.Select(u => u.New.Nevra)] : null,
                withRoot ? [.. tx.Downgrade.Select(u => u.New.Nevra)] : null,
                withRoot ? [.. tx.Remove.Select(r => r.Package.Nevra)] : null,
                withRoot ? [.. tx.Upgrade.Concat(tx.Downgrade).Concat(tx.Reinstall).Select(u => u.Old.Nevra).Order(StringComparer.Ordinal)] : null);
            await output.WriteLineAsync(JsonSerializer.Serialize(doc, RepoResolveJsonContext.Default.ResolveResult)).ConfigureAwait(false);
            return;
        }

        var installed = tx.Install.Concat(tx.Upgrade.Concat(tx.Downgrade).Concat(tx.Reinstall).Select(u => u.New));
        foreach (var nevra in installed.Select(p => p.Nevra).Order(StringComparer.Ordinal))
        {
            await output.WriteLineAsync(nevra).ConfigureAwait(false);
        }

        if (withRoot)
        {
            foreach (var u in tx.Upgrade.Concat(tx.Downgrade).Concat(tx.Reinstall))
            {
                await diagnostics.WriteLineAsync($"keel: {u.New.Nevra} replaces {u.Old.Nevra}").ConfigureAwait(false);
            }

            foreach (var r in tx.Remove)
            {
                await diagnostics.WriteLineAsync($"keel: removes {r.Package.Nevra}").ConfigureAwait(false);
            }
        }
    }
}
