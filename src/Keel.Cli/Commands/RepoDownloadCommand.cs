using System.CommandLine;
using System.Text.Json;
using Keel.Errors;
using Keel.Install;
using Keel.Packaging;
using Keel.Repository;
using Keel.Repository.Download;

namespace Keel.Cli.Commands;

/// <summary>`keel repo download`: fetch the best version of named packages, verified, like `dnf download` without --resolve.</summary>
internal static class RepoDownloadCommand
{
    public static Command Create()
    {
        var repoOptions = new RepoOptions();
        var specs = new Argument<string[]>("SPEC") { Description = "Package name, NEVRA or glob.", Arity = ArgumentArity.OneOrMore };
        var dest = new Option<string>("--dest") { Description = "Directory to put the packages in.", Required = true };
        var parallel = new Option<int>("--parallel") { Description = "Packages fetched at once.", DefaultValueFactory = _ => 4 };
        var json = new Option<bool>("--json") { Description = "Print a JSON array of the files." };
        var cmd = new Command(
            "download",
            "Download the best version of each named package (no dependencies), verified against the repository checksum, " +
            "the package digests and, when the repository has gpgcheck on, its signature.\n\n" +
            "Example: keel repo download --repo https://mirror.example/os/x86_64 --repo-key /etc/pki/rpm-gpg/VENDOR-KEY --dest ./rpms bash 'kernel-core*'")
        {
            specs, dest, parallel, json,
        };
        repoOptions.AddTo(cmd);
        cmd.SetAction(async (parse, ct) =>
        {
            var request = repoOptions.Read(parse);
            using var loader = new RepositoryLoader();
            var repos = await RepoOptions.LoadAllAsync(loader, request, RepoOptions.LoadOptions(request), parse.InvocationConfiguration.Error, ct).ConfigureAwait(false);
            var all = repos.SelectMany(r => r.Packages).ToArray();
            var chosen = new List<PackageMetadata>();
            foreach (var spec in parse.GetValue(specs)!)
            {
                // Source packages only when the spec names one explicitly, as dnf download does.
                var matches = all.Where(p => PackageFilter.Matches(spec, p) && (p.Arch is not ("src" or "nosrc") || spec.EndsWith(".src", StringComparison.Ordinal))).ToArray();
                if (matches.Length == 0)
                {
                    throw new InvalidDataException($"no package matches '{spec}' in {string.Join(", ", repos.Select(r => r.Id))}");
                }

                chosen.AddRange(RepoOptions.BestPerName(matches, repos, request.Arch));
            }

            var unique = chosen.DistinctBy(p => (p.Nevra, p.RepositoryId)).ToArray();

            // Every file is checked against the repository checksum, then its own digests and (gpgcheck) signature.
            var verifier = await RepositoryPackageVerifier.CreateAsync(loader, repos, ct).ConfigureAwait(false);
            var downloader = new PackageDownloader(verifier, new DownloadOptions { Cache = request.Cache, MaxParallel = parse.GetValue(parallel) });
            var results = await downloader.DownloadAsync(unique, repos, parse.GetValue(dest)!, null, ct).ConfigureAwait(false);
            var output = parse.InvocationConfiguration.Output;
            if (parse.GetValue(json))
            {
                var items = results.Select(r => new RepoDownloadEntry(r.Package.Nevra, r.Package.RepositoryId, r.Path, r.Reused)).ToArray();
                await output.WriteLineAsync(JsonSerializer.Serialize(items, RepoJsonContext.Default.RepoDownloadEntryArray)).ConfigureAwait(false);
            }
            else
            {
                foreach (var r in results)
                {
                    await output.WriteLineAsync(r.Path).ConfigureAwait(false);
                }
            }

            return ExitCodes.Ok;
        });
        return cmd;
    }
}
