using Keel.Config.Loading;
using Keel.Progress;
using Keel.Repository.Cache;
using Keel.RpmDb;
using Keel.Tests;

namespace Keel.Install.Tests;

public sealed class PackageInstallStepTests : IDisposable
{
    private readonly string _root = InstallFixtures.ScratchPath("root");
    private readonly string _cache = InstallFixtures.ScratchPath("cache");
    private readonly string _work = InstallFixtures.ScratchPath("work");

    public void Dispose()
    {
        InstallFixtures.DeleteQuietly(_root);
        InstallFixtures.DeleteQuietly(_cache);
        InstallFixtures.DeleteQuietly(_work);
    }

    [Fact]
    public async Task Installs_the_fixture_container_host_set_in_one_clean_rpm_transaction()
    {
        var loaded = InstallFixtures.Load(InstallFixtures.ContainerHostConfig);
        var request = InstallFixtures.Request(loaded);
        var events = new List<EngineEvent>();
        var step = new PackageInstallStep(new PackageInstallOptions { Cache = new KeelCache(_cache) });

        var result = await step.RunAsync(loaded, request, _root, new SynchronousProgress(events));

        var resolved = result.Installed.Select(InstallFixtures.Key).ToHashSet(StringComparer.Ordinal);
        Assert.Equal(result.Installed.Count, resolved.Count);

        // Every name the preset asks for is in the set (checked against the preset file, not the solver).
        var names = result.Installed.Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
        Assert.DoesNotContain(request.Install, n => !names.Contains(n));
        Assert.True(resolved.Count > request.Install.Count, $"dependencies were pulled in: {resolved.Count} vs {request.Install.Count} requested");

        // rpm -qa lists the packages plus one gpg-pubkey per imported key (the fixture repository has one key).
        var qa = InstallFixtures.Rpm(_root, "-qa", "--qf", "%{NAME} %{EPOCHNUM}:%{VERSION}-%{RELEASE}.%{ARCH}\n");
        Assert.Equal(0, qa.ExitCode);
        var rows = qa.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(rows, r => r.StartsWith("gpg-pubkey ", StringComparison.Ordinal));
        var installed = rows.Where(r => !r.StartsWith("gpg-pubkey ", StringComparison.Ordinal)).ToHashSet(StringComparer.Ordinal);
        Assert.Equal(rows.Length - 1, installed.Count);
        Assert.Equal(resolved.Order(StringComparer.Ordinal), installed.Order(StringComparer.Ordinal));

        var verify = InstallFixtures.Rpm(_root, "-Va");
        Assert.True(verify.ExitCode == 0 && verify.Output.Length == 0 && verify.Error.Length == 0, $"rpm -Va: {verify.Output}{verify.Error}");

        var issue = Path.Combine(_root, "etc", "issue");
        Assert.Contains("This is a preview release. Do not use in production.", await File.ReadAllTextAsync(issue));

        // Keel's own rpmdb reader sees the same set in the same root.
        var db = RpmDatabase.Open(_root);
        var fromDb = db.Packages.Select(p => p.Metadata).Where(p => p.Name != "gpg-pubkey").Select(InstallFixtures.Key).ToHashSet(StringComparer.Ordinal);
        Assert.Equal(resolved.Order(StringComparer.Ordinal), fromDb.Order(StringComparer.Ordinal));
        Assert.StartsWith(Path.Combine(_root, "usr", "lib", "sysimage", "rpm"), db.Path, StringComparison.Ordinal);

        // The staged packages are gone; progress used the planner's step ids with final counts.
        Assert.False(Directory.Exists(Path.Combine(_root, "var", "cache", "keel")));
        var progress = events.OfType<ProgressEvent>().ToList();
        Assert.Equal(["packages.resolve", "packages.download", "packages.install"], progress.Select(e => e.StepId).Distinct());
        Assert.All(progress, e => Assert.Contains(e.StepId, Keel.Install.Steps.InstallSteps.Ids));
        var last = progress[^1];
        Assert.Equal((resolved.Count, resolved.Count), (last.Done, last.Total));
    }

    [Fact]
    public async Task Refuses_the_host_root()
    {
        var loaded = InstallFixtures.Load(InstallFixtures.ContainerHostConfig);
        var step = new PackageInstallStep(new PackageInstallOptions { Cache = new KeelCache(_cache), RpmExecutable = "/nonexistent/rpm" });
        var ex = await Assert.ThrowsAsync<IOException>(() => step.RunAsync(loaded, InstallFixtures.Request(loaded), "/"));
        Assert.Contains("refusing to install into /", ex.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(_cache), "nothing was loaded before the root was checked");
    }

    [Fact]
    public async Task Refuses_a_root_that_already_holds_files()
    {
        Directory.CreateDirectory(_root);
        await File.WriteAllTextAsync(Path.Combine(_root, "keep-me"), "x");
        var loaded = InstallFixtures.Load(InstallFixtures.ContainerHostConfig);
        var step = new PackageInstallStep(new PackageInstallOptions { Cache = new KeelCache(_cache) });
        var ex = await Assert.ThrowsAsync<IOException>(() => step.RunAsync(loaded, InstallFixtures.Request(loaded), _root));
        Assert.Contains("not empty", ex.Message, StringComparison.Ordinal);
        Assert.Equal(["keep-me"], Directory.EnumerateFileSystemEntries(_root).Select(Path.GetFileName));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_package_signed_by_another_key_fails_at_download_and_rpm_never_runs(bool warmCache)
    {
        if (warmCache)
        {
            // Fill the cache with the same packages, verified under the right key.
            var good = InstallFixtures.Load(InstallFixtures.ContainerHostConfig);
            await new PackageInstallStep(new PackageInstallOptions { Cache = new KeelCache(_cache) }).RunAsync(good, InstallFixtures.Request(good), _root + "-warm");
            Assert.NotEmpty(Directory.EnumerateFiles(_cache, "*.rpm", SearchOption.AllDirectories));
            InstallFixtures.DeleteQuietly(_root + "-warm");
        }

        Directory.CreateDirectory(_work);
        var foreignKey = TestPaths.Oracle("rpm", "tests", "data", "keys", "rpm.org-rsa-2048-test.pub");
        Assert.True(File.Exists(foreignKey), foreignKey);
        var text = (await File.ReadAllTextAsync(InstallFixtures.ContainerHostConfig))
            .Replace("path: ../../.work/fixture-repo", "path: " + TestPaths.FixtureRepo, StringComparison.Ordinal)
            .Replace("- ../../.work/fixture-repo/RPM-GPG-KEY-keel-fixture", "- " + foreignKey, StringComparison.Ordinal);
        Assert.Contains(foreignKey, text, StringComparison.Ordinal);
        var loaded = InstallFixtures.Parse(text, _work);

        // An rpm that cannot start proves the failure came before any rpm run.
        var step = new PackageInstallStep(new PackageInstallOptions { Cache = new KeelCache(_cache), RpmExecutable = "/nonexistent/rpm" });
        var ex = await Assert.ThrowsAsync<InvalidDataException>(() => step.RunAsync(loaded, InstallFixtures.Request(loaded), _root));
        Assert.StartsWith("packages.download:", ex.Message, StringComparison.Ordinal);
        Assert.Contains("signature", ex.Message, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain('\n', ex.Message);
        Assert.Contains("NOKEY", ex.Message, StringComparison.Ordinal);
        Assert.True(ex.Message.Length < 1000, "one failure is shown, the rest counted: " + ex.Message.Length);
        Assert.False(Directory.Exists(Path.Combine(_root, "usr")), "no rpmdb was created in the root");
    }

    [Fact]
    public async Task Without_gpgcheck_no_key_is_imported_and_rpm_checks_digests_only()
    {
        Directory.CreateDirectory(_work);
        var text = (await File.ReadAllTextAsync(InstallFixtures.ContainerHostConfig))
            .Replace("path: ../../.work/fixture-repo", "path: " + TestPaths.FixtureRepo, StringComparison.Ordinal)
            .Replace("    gpgkeys:\n      - ../../.work/fixture-repo/RPM-GPG-KEY-keel-fixture", "    gpgcheck: false", StringComparison.Ordinal);
        Assert.Contains("gpgcheck: false", text, StringComparison.Ordinal);
        var loaded = InstallFixtures.Parse(text, _work);
        var step = new PackageInstallStep(new PackageInstallOptions { Cache = new KeelCache(_cache) });

        var result = await step.RunAsync(loaded, InstallFixtures.Request(loaded), _root);

        var qa = InstallFixtures.Rpm(_root, "-qa", "--qf", "%{NAME}\n");
        Assert.Equal(0, qa.ExitCode);
        var names = qa.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.DoesNotContain("gpg-pubkey", names);
        Assert.Equal(result.Installed.Count, names.Length);
    }

    /// <summary>Records events as they are reported (Progress&lt;T&gt; would post them later on the thread pool).</summary>
    private sealed class SynchronousProgress(List<EngineEvent> events) : IProgress<EngineEvent>
    {
        public void Report(EngineEvent value)
        {
            lock (events)
            {
                events.Add(value);
            }
        }
    }

    // @group, @^environment and globs in packages.include go through the shared spec resolver and install.
    [Fact]
    public async Task Groups_environments_and_globs_install_the_set_dnf_resolves()
    {
        Assert.True(DnfOracle.Available, "dnf is not installed (Debian package: dnf)");
        var loaded = Config("\"@container-host\", \"@^minimal-environment\", \"podman*\"");
        var request = InstallFixtures.Request(loaded);
        Assert.Contains("@container-host", request.Install);

        var result = await new PackageInstallStep(new PackageInstallOptions { Cache = new KeelCache(_cache) }).RunAsync(loaded, request, _root);

        // dnf is the reference for what the same specs mean (keel repo resolve is held to it in FixtureSideBySideTests).
        // This dnf names environments without the caret, as FixtureSideBySideTests does.
        var dnf = DnfOracle.Install([("fixture", TestPaths.FixtureRepo)], request.Install.Select(s => s.Replace("@^", "@", StringComparison.Ordinal)));
        Assert.NotNull(dnf);
        Assert.Equal(dnf.Order(StringComparer.Ordinal), result.Installed.Select(p => p.Nevra).Order(StringComparer.Ordinal));
        Assert.Contains(result.Installed, p => p.Name == "podman");

        var qa = InstallFixtures.Rpm(_root, "-q", "podman");
        Assert.True(qa.ExitCode == 0, qa.Error);
    }

    [Fact]
    public async Task An_unknown_group_is_refused_naming_the_config_and_the_group()
    {
        var loaded = Config("\"@no-such-group\"");
        var step = new PackageInstallStep(new PackageInstallOptions { Cache = new KeelCache(_cache), RpmExecutable = "/nonexistent/rpm" });

        var ex = await Assert.ThrowsAsync<InvalidDataException>(() => step.RunAsync(loaded, InstallFixtures.Request(loaded), _root));

        Assert.Equal($"{loaded.Source}: packages.resolve: @no-such-group: no group 'no-such-group' in the repositories' comps", ex.Message);
        Assert.False(Directory.Exists(Path.Combine(_root, "usr")), "nothing was installed");
    }

    // The minimal preset plus INCLUDE, against the fixture repository with its key.
    private LoadedConfig Config(string include)
    {
        Directory.CreateDirectory(_work);
        return InstallFixtures.Parse($"""
            apiVersion: keel/v1
            distribution: fixture
            preset: minimal
            packages:
              include: [{include}]
            repositories:
              - id: keel-fixture
                path: {TestPaths.FixtureRepo}
                gpgkeys: [{TestPaths.FixtureRepo}/RPM-GPG-KEY-keel-fixture]
            """, _work);
    }
}
