using Keel.Installer.Api;

namespace Keel.Installer.Service.Tests.Service;

/// <summary>Presets, the resolved selection, search and why-chains from the fixture repository, resolved by the engine's solver.</summary>
public sealed class PackageSelectionTests : IAsyncLifetime
{
    private ServiceUnderTest _service = null!;

    public async Task InitializeAsync() => _service = await ServiceUnderTest.StartAsync();

    public async Task DisposeAsync() => await _service.DisposeAsync();

    [Fact]
    public async Task Presets_come_with_titles_descriptions_and_non_zero_sizes_the_medium_s_first()
    {
        var presets = await _service.Client.GetPresetsAsync(default);
        Assert.Equal(["container-host", "developer-workstation", "minimal"], presets.Select(p => p.Name));
        Assert.Equal("Container Host", presets[0].Title);
        Assert.All(presets, p => Assert.True(p.PackageCount > 0 && p.InstalledBytes > 0 && p.Description.Length > 0, p.ToString()));
        var minimal = presets.Single(p => p.Name == "minimal");
        Assert.True(presets[0].PackageCount > minimal.PackageCount && presets[0].InstalledBytes > minimal.InstalledBytes);
    }

    [Fact]
    public async Task Adding_and_removing_packages_changes_the_selection_and_its_total()
    {
        var minimal = await _service.Client.UpdatePackagesAsync(new PackageSettings("minimal", [], []), default);
        Assert.Empty(minimal.Errors);
        Assert.Equal(minimal.Packages.Sum(p => p.InstalledBytes), minimal.InstalledBytes);
        Assert.DoesNotContain(minimal.Packages, p => p.Name == "podman");

        var withPodman = await _service.Client.UpdatePackagesAsync(new PackageSettings("minimal", ["podman"], []), default);
        Assert.Empty(withPodman.Errors);
        Assert.True(withPodman.Packages.Single(p => p.Name == "podman").Requested);
        Assert.True(withPodman.InstalledBytes > minimal.InstalledBytes);

        var presets = await _service.Client.GetPresetsAsync(default);
        Assert.Equal(presets.Single(p => p.Name == "minimal").InstalledBytes, minimal.InstalledBytes);

        var unknown = await _service.Client.UpdatePackagesAsync(new PackageSettings("minimal", ["podman", "no-such-package"], []), default);
        var error = Assert.Single(unknown.Errors);
        Assert.Equal("packages.include[1]", error.Field);
        Assert.Contains("no package named 'no-such-package'", error.Message, StringComparison.Ordinal);
        Assert.Equal(withPodman.InstalledBytes, unknown.InstalledBytes);
    }

    [Fact]
    public async Task Search_finds_by_name_and_says_what_is_selected()
    {
        await _service.Client.UpdatePackagesAsync(new PackageSettings("minimal", [], []), default);
        var found = await _service.Client.SearchPackagesAsync("open", default);
        Assert.NotEmpty(found);
        Assert.All(found, p => Assert.True(p.Name.Contains("open", StringComparison.OrdinalIgnoreCase) || p.Summary.Contains("open", StringComparison.OrdinalIgnoreCase), p.Name));
        Assert.True(found.Single(p => p.Name == "openssh-server").Selected);
    }

    [Fact]
    public async Task Why_chains_lead_from_the_request_to_a_dependency()
    {
        var selection = await _service.Client.UpdatePackagesAsync(new PackageSettings("minimal", [], []), default);
        var dependency = selection.Packages.First(p => !p.Requested);
        var why = await _service.Client.WhyAsync(dependency.Name, default);
        Assert.True(why.Selected);
        Assert.True(why.Chain.Count >= 2, string.Join(" / ", why.Chain));
        Assert.Contains("requested", why.Chain[0], StringComparison.Ordinal);
        Assert.Contains(dependency.Name, why.Chain[^1], StringComparison.Ordinal);

        var ex = await Assert.ThrowsAsync<InstallerApiException>(() => _service.Client.WhyAsync("no-such-package", default));
        Assert.Equal(404, ex.StatusCode);
    }
}
