using System.Text.RegularExpressions;
using Keel.Config.Presets;
using Keel.Installer.Service.Packages;
using Keel.Packaging;
using Keel.Repository;
using Keel.Repository.Cache;
using Keel.Repository.Definitions;
using Keel.Repository.Resolution;
using Keel.Tests;

namespace Keel.Installer.Service.Tests.Packages;

public sealed partial class PackageReasonsTests : IDisposable
{
    private const string Origin = "the preset container-host";
    private readonly string cache = Directory.CreateTempSubdirectory("keel-reasons-test-").FullName;

    public void Dispose() => Directory.Delete(cache, recursive: true);

    // The fixture repository resolved for the fixture's container-host preset, the way the install engine resolves it.
    private async Task<(IReadOnlyList<PackageMetadata> Selection, IReadOnlyList<PackageMetadata> All, IReadOnlyList<string> Preset)> ResolveAsync()
    {
        var preset = PresetCatalog.LoadPresetFile(Path.Combine(TestPaths.RepoRoot, "tests", "fixture-distro", "presets", "container-host.yaml"));
        using var loader = new RepositoryLoader();
        var definition = new RepositoryDefinition
        {
            Id = "fixture",
            BaseUrls = [TestPaths.FixtureRepo],
            GpgKeys = [Path.Combine(TestPaths.FixtureRepo, "RPM-GPG-KEY-keel-fixture")],
        };
        var repo = await loader.LoadAsync(definition, new RepositoryLoadOptions { Cache = new KeelCache(cache), IncludeFilelists = true });
        var pool = PackageSpecResolver.BuildPool([repo], "x86_64");
        var jobs = PackageSpecResolver.Jobs(preset.Packages, [repo], pool);
        var result = Keel.Solver.Solver.Solve(pool, jobs.Jobs, new Keel.Solver.SolverOptions());
        Assert.True(result.Succeeded, string.Join("; ", result.Problems));
        return (result.Transaction!.Install, repo.Packages, preset.Packages);
    }

    [Fact]
    public async Task Every_selected_package_has_a_chain_from_a_request_whose_every_link_is_a_real_match()
    {
        var (selection, _, preset) = await ResolveAsync();
        var reasons = new PackageReasons(selection, preset.Select(p => new RequestedPackage(p, Origin)));
        var byName = selection.ToDictionary(p => p.Name);
        var longest = 0;
        var weak = false;

        foreach (var package in selection)
        {
            var answer = reasons.Explain(package.Name);
            Assert.True(answer.Selected);
            Assert.Equal(package.Name, answer.Name);

            var start = Requested().Match(answer.Chain[0]);
            Assert.True(start.Success, $"{package.Name}: chain starts with '{answer.Chain[0]}'");
            var current = start.Groups[1].Value;
            Assert.Contains(current, preset);
            foreach (var link in answer.Chain.Skip(1))
            {
                var m = Link().Match(link);
                Assert.True(m.Success, $"{package.Name}: link '{link}'");
                var dep = Dependency.Parse(m.Groups[4].Value);
                var (subject, verb, other) = (byName[m.Groups[1].Value], m.Groups[2].Value, byName[m.Groups[3].Value]);
                if (verb == "supplements")
                {
                    // "Q supplements P (DEP)": the chain was at P; Q's supplements name DEP and P provides it.
                    Assert.Equal(current, other.Name);
                    Assert.Contains(subject.Supplements, r => r.ToString() == dep.ToString());
                    Assert.True(Provides(other, dep), $"{other.Name} does not provide {dep}");
                    current = subject.Name;
                }
                else
                {
                    Assert.Equal(current, subject.Name);
                    Assert.Contains(verb == "requires" ? subject.Requires : subject.Recommends, r => r.ToString() == dep.ToString());
                    Assert.True(Provides(other, dep), $"{other.Name} does not provide {dep}");
                    current = other.Name;
                }

                weak |= verb != "requires";
            }

            Assert.Equal(package.Name, current);
            longest = Math.Max(longest, answer.Chain.Count);
            if (preset.Contains(package.Name))
            {
                Assert.Single(answer.Chain);
            }
        }

        // The fixture has dependencies of dependencies: a chain of one request and two links at least.
        Assert.True(longest >= 3, $"longest chain {longest}");
        Assert.True(selection.Count > preset.Count);

        // The fixture's microcode_ctl is there only because it supplements kernel-core.
        Assert.True(weak);
        Assert.EndsWith("microcode_ctl supplements kernel-core (kernel-core)", reasons.Explain("microcode_ctl").Chain[^1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_package_outside_the_selection_is_said_so_and_a_user_addition_keeps_its_origin()
    {
        var (selection, all, preset) = await ResolveAsync();
        var outside = all.Select(p => p.Name).First(n => selection.All(s => s.Name != n));
        var reasons = new PackageReasons(selection, [new RequestedPackage("podman", "your addition"), .. preset.Select(p => new RequestedPackage(p, Origin))]);

        var answer = reasons.Explain(outside);
        Assert.False(answer.Selected);
        Assert.Equal(["not in the selection"], answer.Chain);
        Assert.Equal(["podman: requested by your addition"], reasons.Explain("podman").Chain);
    }

    [Fact]
    public void A_chain_follows_versioned_requires_file_requires_and_takes_the_shortest_way()
    {
        static PackageMetadata Pkg(string name, string[] requires, string[]? provides = null, string[]? files = null) => new()
        {
            Name = name,
            Evr = Evr.Parse("1.0-1"),
            Arch = "x86_64",
            Requires = requires.Select(Dependency.Parse).ToList(),
            Provides = (provides ?? []).Select(Dependency.Parse).ToList(),
            Files = files ?? [],
        };

        var selection = new[]
        {
            Pkg("podman", ["conmon >= 2.0", "/usr/bin/crun", "rpmlib(CompressedFileNames) <= 3.0.4-1"]),
            Pkg("conmon", ["libc.so.6()(64bit)", "glib2"], provides: ["conmon = 2.1.0-1"]),
            Pkg("crun", ["glibc"], files: ["/usr/bin/crun"]),
            Pkg("glib2", ["glibc"]),
            Pkg("glibc", [], provides: ["libc.so.6()(64bit)"]),
            Pkg("old-conmon-user", ["conmon < 2.0"]),
        };
        var reasons = new PackageReasons(selection, [new RequestedPackage("podman", Origin)]);

        Assert.Equal(["podman: requested by the preset container-host", "podman requires conmon (conmon >= 2.0)"], reasons.Explain("conmon").Chain);
        Assert.Equal(["podman: requested by the preset container-host", "podman requires crun (/usr/bin/crun)"], reasons.Explain("crun").Chain);
        Assert.Equal(3, reasons.Explain("glibc").Chain.Count);
        Assert.Equal("conmon requires glibc (libc.so.6()(64bit))", reasons.Explain("glibc").Chain[2]);
        Assert.Equal(["podman: requested by the preset container-host", "podman requires conmon (conmon >= 2.0)", "conmon requires glib2 (glib2)"], reasons.Explain("glib2").Chain);

        // Nothing requested leads to it: selected, but said to be the solver's choice.
        var orphan = reasons.Explain("old-conmon-user");
        Assert.True(orphan.Selected);
        Assert.Contains("no requires or recommends", Assert.Single(orphan.Chain), StringComparison.Ordinal);
    }

    private static bool Provides(PackageMetadata package, Dependency dep)
    {
        if (dep.IsRich)
        {
            return true;
        }

        return package.Provides.Any(p => p.Satisfies(dep))
            || new Dependency(package.Name, DependencyFlags.Equal, package.Evr).Satisfies(dep)
            || (dep.IsFile && package.Files.Contains(dep.Name));
    }

    [GeneratedRegex(@"^(\S+): requested by the preset container-host$")]
    private static partial Regex Requested();

    [GeneratedRegex(@"^(\S+) (requires|recommends|supplements) (\S+) \((.+)\)$")]
    private static partial Regex Link();
}
