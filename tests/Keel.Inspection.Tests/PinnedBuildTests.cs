using Keel.Errors;
using Keel.ImageManifest;
using Keel.Install;

namespace Keel.Inspection.Tests;

/// <summary>`keel build --pin MANIFEST`: the same NEVRAs again, or one error naming the package a repository no longer has.</summary>
public sealed class PinnedBuildTests(BuiltImage image) : IClassFixture<BuiltImage>
{
    private async Task<ImageManifestDocument> ManifestOf(string path)
    {
        await using var system = await InspectedSystem.OpenImageAsync(path, CancellationToken.None);
        return ImageManifestJson.Load(Path.Combine(system.Root, ImageManifestPaths.ManifestRelative));
    }

    [Fact]
    public async Task A_pinned_build_installs_exactly_the_manifests_packages()
    {
        var first = await ManifestOf(image.Qcow2);

        // The pin replaces solving: the rebuilt image has the very same packages (same header digests), nothing else.
        var pinned = Path.Combine(image.Work, "pinned.qcow2");
        await image.BuildAsync(pinned, new PackagePin("image.json", first.Packages));
        var second = await ManifestOf(pinned);
        Assert.Equal(first.Packages.Select(p => p.Nevra + " " + p.HeaderSha256), second.Packages.Select(p => p.Nevra + " " + p.HeaderSha256));
    }

    [Fact]
    public async Task A_package_no_repository_has_any_more_is_refused_by_its_nevra()
    {
        var first = await ManifestOf(image.Qcow2);
        var gone = first.Packages[0] with { Release = first.Packages[0].Release + ".gone" };
        var e = await Assert.ThrowsAsync<KeelException>(() => image.BuildAsync(Path.Combine(image.Work, "never.qcow2"), new PackagePin("week1.json", [gone, .. first.Packages.Skip(1)])));
        Assert.StartsWith($"week1.json: --pin: {gone.Nevra} is in none of the repositories (keel-fixture revision ", e.Message);
        Assert.Equal(ReasonCodes.Unsatisfiable, e.Reason);
        Assert.False(File.Exists(Path.Combine(image.Work, "never.qcow2")));
    }
}
