using Keel.Repository.Cache;
using Keel.Tests;

namespace Keel.Install.Tests;

/// <summary>@group, @^environment and globs in packages.include go through the shared spec resolver and install.</summary>
public sealed class GroupSpecInstallTests : IDisposable
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
    public async Task Groups_environments_and_globs_install_the_set_dnf_resolves()
    {
        Assert.True(DnfOracle.Available, "dnf is not installed (Debian package: dnf)");
        Directory.CreateDirectory(_work);
        var text = $"""
            apiVersion: keel/v1
            distribution: fixture
            preset: minimal
            packages:
              include: ["@container-host", "@^minimal-environment", "podman*"]
            repositories:
              - id: keel-fixture
                path: {TestPaths.FixtureRepo}
                gpgkeys: [{TestPaths.FixtureRepo}/RPM-GPG-KEY-keel-fixture]
            """;
        var loaded = InstallFixtures.Parse(text, _work);
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
        Directory.CreateDirectory(_work);
        var text = $"""
            apiVersion: keel/v1
            distribution: fixture
            preset: minimal
            packages:
              include: ["@no-such-group"]
            repositories:
              - id: keel-fixture
                path: {TestPaths.FixtureRepo}
                gpgkeys: [{TestPaths.FixtureRepo}/RPM-GPG-KEY-keel-fixture]
            """;
        var loaded = InstallFixtures.Parse(text, _work);
        var step = new PackageInstallStep(new PackageInstallOptions { Cache = new KeelCache(_cache), RpmExecutable = "/nonexistent/rpm" });

        var ex = await Assert.ThrowsAsync<InvalidDataException>(() => step.RunAsync(loaded, InstallFixtures.Request(loaded), _root));

        Assert.Equal($"{loaded.Source}: packages.resolve: @no-such-group: no group 'no-such-group' in the repositories' comps", ex.Message);
        Assert.False(Directory.Exists(Path.Combine(_root, "usr")), "nothing was installed");
    }
}
