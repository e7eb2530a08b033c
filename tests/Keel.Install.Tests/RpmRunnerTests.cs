using Keel.Tests;

namespace Keel.Install.Tests;

public sealed class RpmRunnerTests : IDisposable
{
    private readonly string _root = InstallFixtures.ScratchPath("rpm");

    public void Dispose() => InstallFixtures.DeleteQuietly(_root);

    [Fact]
    public async Task Rpm_itself_refuses_a_signed_package_whose_key_is_not_in_the_target_rpmdb()
    {
        Directory.CreateDirectory(_root);
        var package = Directory.EnumerateFiles(TestPaths.FixtureRepo, "setup-*.noarch.rpm", SearchOption.AllDirectories).First();
        var rpm = new RpmRunner(_root);
        List<string> args = ["-i", "--define", "_pkgverify_level all", package];
        if (await rpm.NeedsForceDebianAsync(CancellationToken.None))
        {
            args.Insert(1, "--force-debian");
        }

        var ex = await Assert.ThrowsAsync<IOException>(() => rpm.RunAsync("packages.install", args, CancellationToken.None));

        Assert.StartsWith($"packages.install: rpm --root {_root} -i failed (exit ", ex.Message, StringComparison.Ordinal);
        Assert.Contains("NOKEY", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', ex.Message);
        var qa = InstallFixtures.Rpm(_root, "-qa");
        Assert.Equal("", qa.Output);
    }

    [Fact]
    public async Task The_same_package_installs_once_its_key_is_imported()
    {
        Directory.CreateDirectory(_root);
        var package = Directory.EnumerateFiles(TestPaths.FixtureRepo, "setup-*.noarch.rpm", SearchOption.AllDirectories).First();
        var rpm = new RpmRunner(_root);
        await rpm.RunAsync("packages.install", ["--import", Path.Combine(TestPaths.FixtureRepo, "RPM-GPG-KEY-keel-fixture")], CancellationToken.None);
        List<string> args = ["-i", "--nodeps", "--define", "_pkgverify_level all", package];
        if (await rpm.NeedsForceDebianAsync(CancellationToken.None))
        {
            args.Insert(1, "--force-debian");
        }

        await rpm.RunAsync("packages.install", args, CancellationToken.None);

        Assert.Equal(0, InstallFixtures.Rpm(_root, "-q", "setup").ExitCode);
    }

    [Fact]
    public async Task A_missing_rpm_is_one_clear_error()
    {
        var rpm = new RpmRunner(_root, "/nonexistent/rpm");
        var ex = await Assert.ThrowsAsync<IOException>(() => rpm.RunAsync("packages.install", ["-qa"], CancellationToken.None));
        Assert.StartsWith("packages.install: cannot run /nonexistent/rpm: ", ex.Message, StringComparison.Ordinal);
    }
}
