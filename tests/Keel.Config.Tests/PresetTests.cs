using Keel.Config.Presets;
using Keel.Errors;
using Keel.Tests;

namespace Keel.Config.Tests;

public class PresetTests
{
    [Theory]
    [InlineData("azurelinux-4.0", "minimal", "openssh-server")]
    [InlineData("azurelinux-4.0", "container-host", "containerd")]
    [InlineData("azurelinux-4.0", "developer-workstation", "valgrind")]
    [InlineData("fixture", "minimal", "azurelinux-release")]
    [InlineData("fixture", "container-host", "podman")]
    [InlineData("fixture", "developer-workstation", "vscode-repo")]
    public void Presets_load(string distribution, string preset, string member)
    {
        var file = ConfigFixtures.Catalog().FindPreset(distribution, preset);
        Assert.NotNull(file);
        var definition = PresetCatalog.LoadPresetFile(file);
        Assert.Equal(preset, definition.Name);
        Assert.Contains(member, definition.Packages);
        Assert.Equal(definition.Packages.Count, definition.Packages.Distinct().Count());
    }

    [Fact]
    public void Fixture_presets_are_the_ones_in_tests_fixture_distro()
    {
        // The build output links, never copies, the fixture presets.
        foreach (var name in new[] { "minimal", "container-host", "developer-workstation" })
        {
            Assert.Equal(
                File.ReadAllText(Path.Combine(TestPaths.RepoRoot, "tests", "fixture-distro", "presets", name + ".yaml")),
                File.ReadAllText(ConfigFixtures.Catalog().FindPreset("fixture", name)!));
        }
    }

    [Fact]
    public void Production_presets_nest_and_name_the_issue_packages()
    {
        var catalog = ConfigFixtures.Catalog();
        var load = (string n) => PresetCatalog.LoadPresetFile(catalog.FindPreset("azurelinux-4.0", n)!).Packages;
        var minimal = load("minimal");
        var host = load("container-host");
        var dev = load("developer-workstation");
        Assert.Empty(minimal.Except(host));
        Assert.Empty(host.Except(dev));
        Assert.Empty(new[] { "containerd", "podman", "crun", "netavark", "aardvark-dns", "container-selinux", "iptables-nft", "nftables", "conntrack-tools", "ethtool", "socat", "containernetworking-plugins" }.Except(host));
        Assert.Empty(new[] { "gcc", "make", "cmake", "git", "gdb", "strace", "valgrind", "perf", "golang", "rust", "clang", "python3-devel" }.Except(dev));
        var vscode = Assert.Single(PresetCatalog.LoadPresetFile(catalog.FindPreset("azurelinux-4.0", "developer-workstation")!).SystemRepositories);
        Assert.Equal("/etc/yum.repos.d/vscode.repo", vscode.File);
        Assert.Equal("https://packages.microsoft.com/yumrepos/vscode", vscode.Baseurl);
    }

    [Fact]
    public void Name_map_rewrites_the_fedora_name_and_says_so()
    {
        var loaded = ConfigFixtures.Parse("apiVersion: keel/v1\npackages:\n  include: [audit, tmux]\n  exclude: [audit]\n", out var diagnostics);
        var request = PackageRequest.Build(loaded, ConfigFixtures.Catalog());
        Assert.Equal(2, request.Mappings.Count);
        Assert.Equal(new NameMapping("packages.include[0]", "audit", "auditd-al"), request.Mappings[0]);
        Assert.Contains("tmux", request.Install);
        Assert.DoesNotContain("audit", request.Install);
        Assert.Contains(diagnostics, d => d.Severity == Keel.Errors.Severity.Info && d.Path == "packages.include[0]" && d.Message.Contains("auditd-al", StringComparison.Ordinal) && d.Line == 3);
        Assert.Equal("tmux", ConfigFixtures.Catalog().LoadNameMap("azurelinux-4.0").Map("tmux", out var mapped));
        Assert.False(mapped);
        Assert.Equal(0, ConfigFixtures.Catalog().LoadNameMap("fixture").Count);
    }

    [Fact]
    public void An_encrypted_root_brings_cryptsetup_unless_the_config_excludes_it()
    {
        var plain = ConfigFixtures.Parse("apiVersion: keel/v1\ndistribution: fixture\npreset: minimal\n", out _);
        Assert.DoesNotContain("cryptsetup", PackageRequest.Build(plain, ConfigFixtures.Catalog()).Install);

        var encrypted = ConfigFixtures.Parse("apiVersion: keel/v1\ndistribution: fixture\npreset: minimal\nstorage:\n  encryption:\n    passphrase: correct horse battery\n", out _);
        Assert.Contains("cryptsetup", PackageRequest.Build(encrypted, ConfigFixtures.Catalog()).Install);

        var excluded = ConfigFixtures.Parse("apiVersion: keel/v1\ndistribution: fixture\npreset: minimal\npackages:\n  exclude: [cryptsetup]\nstorage:\n  encryption:\n    passphrase: correct horse battery\n", out _);
        Assert.DoesNotContain("cryptsetup", PackageRequest.Build(excluded, ConfigFixtures.Catalog()).Install);
    }
}
