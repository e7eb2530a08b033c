using Keel.Provisioning.Config;
using Keel.Provisioning.Modules;

namespace Keel.Provisioning.Tests.Packages;

/// <summary>package_update / package_upgrade / packages through the host's real dnf --installroot against a local rpm-md repository; results read back with rpm --root.</summary>
public sealed class PackagesModuleTests : IClassFixture<LocalRpmRepo>
{
    private const string Module = "package_update_upgrade_install";
    private readonly LocalRpmRepo _repo;

    public PackagesModuleTests(LocalRpmRepo repo) => _repo = repo;

    [Fact]
    public void Names_and_name_version_pairs_are_installed_once_per_instance_and_a_new_instance_upgrades()
    {
        using var t = new TestRoot();
        t.Seed($"""
            #cloud-config
            {_repo.YumReposConfig}
            package_update: true
            packages:
              - keel-extra
              - [keel-hello, "1.0"]
            """);
        var status = t.Run(execute: true);
        Assert.True(status.Modules.Single(m => m.Name == Module).Result == "ran", Describe(status));
        Assert.Equal(["keel-extra-1.0-1.noarch", "keel-hello-1.0-1.noarch"], Installed(t));
        Assert.Equal("1.0\n", t["/usr/share/keel-hello/version"]);
        Assert.True(t.Root.Exists("/var/lib/cloud/instances/iid-1/sem/config_" + Module));

        // Same instance: per-instance, dnf is not run again.
        status = t.Run(execute: true, bootId: "boot-2");
        Assert.Equal("already-ran", status.Modules.Single(m => m.Name == Module).Result);

        // A new instance-id runs the module again; package_upgrade takes keel-hello to the repository's newest version.
        t.Seed("#cloud-config\npackage_upgrade: true\n", instanceId: "iid-2");
        status = t.Run(execute: true, bootId: "boot-3");
        Assert.True(status.Modules.Single(m => m.Name == Module).Result == "ran", Describe(status));
        Assert.Equal(["keel-extra-1.0-1.noarch", "keel-hello-2.0-1.noarch"], Installed(t));
        Assert.Equal("2.0\n", t["/usr/share/keel-hello/version"]);
    }

    [Fact]
    public void A_failing_install_is_an_error_in_status_the_upgrade_and_other_modules_still_run_and_the_next_boot_retries()
    {
        using var t = new TestRoot();
        t.Seed($"""
            #cloud-config
            {_repo.YumReposConfig}
            packages: [[keel-hello, "1.0"]]
            """);
        Assert.Equal("done", t.Run(execute: true).Status);

        t.Seed($"""
            #cloud-config
            package_upgrade: true
            packages: [keel-extra, no-such-package]
            final_message: still here
            """, instanceId: "iid-2");
        var status = t.Run(execute: true, bootId: "boot-2");
        Assert.Equal("error", status.Status);
        var module = status.Modules.Single(m => m.Name == Module);
        Assert.Equal("failed", module.Result);
        Assert.Contains("install keel-extra no-such-package: exited with status 1", module.Error, StringComparison.Ordinal);
        Assert.Contains(status.Errors, e => e.Source == Module);
        Assert.Equal("ran", status.Modules.Single(m => m.Name == "final_message").Result);

        // The upgrade step ran although the install failed; the install is one transaction, so keel-extra is not there.
        Assert.Equal(["keel-hello-2.0-1.noarch"], Installed(t));
        Assert.False(t.Root.Exists("/var/lib/cloud/instances/iid-2/sem/config_" + Module));

        // No semaphore: the next boot of the same instance tries again (and fails again, the package still being absent).
        status = t.Run(execute: true, bootId: "boot-3");
        Assert.Equal("failed", status.Modules.Single(m => m.Name == Module).Result);
    }

    [Fact]
    public void A_target_root_without_execute_is_left_for_its_first_boot()
    {
        using var t = new TestRoot();
        t.Seed($"""
            #cloud-config
            {_repo.YumReposConfig}
            packages: [keel-extra]
            """);
        var status = t.Run(execute: false);
        Assert.Equal("deferred", status.Modules.Single(m => m.Name == Module).Result);
        Assert.False(Directory.Exists(t.Host("/usr/share/keel-extra")));
        Assert.False(t.Root.Exists("/var/lib/cloud/instances/iid-1/sem/config_" + Module));
    }

    [Fact]
    public void Invalid_entries_fail_the_install_naming_the_entry_and_option_like_names_never_reach_dnf()
    {
        using var t = new TestRoot();
        t.Seed($"""
            #cloud-config
            {_repo.YumReposConfig}
            packages:
              - keel-extra
              - [a, b, c]
              - --installroot=/
            """);
        var status = t.Run(execute: true);
        var module = status.Modules.Single(m => m.Name == Module);
        Assert.Equal("failed", module.Result);
        Assert.Contains("packages.1 (line 9): must be a package name or a [name, version] list", module.Error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(t.Host("/usr/share/keel-extra")));
    }

    [Fact]
    public void Expand_follows_cloud_inits_expand_package_list()
    {
        var list = (CloudList)YamlConfigReader.ParseMap("p: [a, [b, '2.1'], [c], [d, null], [e, '']]\n", "t")["p"]!;
        Assert.Equal(["a", "b-2.1", "c", "d", "e"], PackageUpdateUpgradeInstallModule.Expand(list));
        var bad = (CloudList)YamlConfigReader.ParseMap("p: ['-x']\n", "t")["p"]!;
        Assert.Throws<InvalidDataException>(() => PackageUpdateUpgradeInstallModule.Expand(bad));
    }

    private static List<string> Installed(TestRoot t)
    {
        var output = Tool.Run("rpm", "--root", t.RootPath, "--dbpath", PackageManager.RpmDbPaths[0], "-qa", "--qf", "%{NAME}-%{VERSION}-%{RELEASE}.%{ARCH}\n");
        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Order(StringComparer.Ordinal).ToList();
    }

    private static string Describe(Engine.AgentStatus status) =>
        string.Join("; ", status.Errors.Concat(status.Warnings).Select(e => e.Source + ": " + e.Message));
}
