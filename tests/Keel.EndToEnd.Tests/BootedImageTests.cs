using Keel.Config.Presets;
using Keel.Install.Engine;
using Keel.Repository.Cache;
using Keel.Tests;
using Keel.VirtualMachines;
using Xunit.Abstractions;

namespace Keel.EndToEnd.Tests;

/// <summary>Each preset of the fixture distribution, built by the engine and booted under qemu: the banner shows, and the machine's own rpm lists exactly the resolved set.</summary>
public sealed class BootedImageTests(ITestOutputHelper output) : IDisposable
{
    public const string Banner = "This is a preview release. Do not use in production.";
    private readonly string _work = EndToEnd.Scratch("boot");

    public void Dispose() => EndToEnd.DeleteQuietly(_work);

    [Theory]
    [InlineData("minimal")]
    [InlineData("container-host")]
    [InlineData("developer-workstation")]
    public async Task Preset_image_boots_to_the_banner_with_exactly_the_resolved_packages(string preset)
    {
        var config = EndToEnd.WriteConfig(_work, preset, extra: EndToEnd.PrintPackagesAtBoot);
        var loaded = EndToEnd.Load(config);
        var image = Path.Combine(_work, preset + ".raw");

        var result = await new ImageBuilder(new ImageBuildOptions { Output = image, Cache = new KeelCache(Path.Combine(_work, "cache")) })
            .BuildAsync(loaded, PackageRequest.Build(loaded, PresetCatalog.CreateDefault()));

        Assert.Equal(image, result.Output);
        Assert.True(File.Exists(image));
        Assert.DoesNotContain(Directory.EnumerateFileSystemEntries(_work), p => Path.GetFileName(p).StartsWith('.') || p.EndsWith(".partial", StringComparison.Ordinal));

        var console = new StringWriter();
        var boot = await new VirtualMachineRunner().RunAsync(
            new VmRunOptions { ImagePath = image, Expect = Banner, Timeout = EndToEnd.BootTimeout, MemoryMiB = 768, TempRoot = _work }, console);
        var text = console.ToString();
        output.WriteLine(text);
        Assert.True(boot.Outcome == VmRunOutcome.ExpectedTextSeen, $"{boot.Outcome}: {EndToEnd.Tail(text)}");

        var inGuest = EndToEnd.Between(text, "KEEL-RPMQA-BEGIN", "KEEL-RPMQA-END").Where(l => !l.StartsWith("gpg-pubkey-", StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(result.Packages, inGuest);
        Assert.Contains($"KEEL-HOSTNAME e2e-{preset}\n", text.ReplaceLineEndings("\n"), StringComparison.Ordinal);
    }
}
