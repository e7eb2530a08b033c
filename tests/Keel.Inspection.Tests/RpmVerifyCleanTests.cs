namespace Keel.Inspection.Tests;

/// <summary>A reproducible image (SOURCE_DATE_EPOCH) as the real `rpm -Va` sees it: nothing changed but configuration files.</summary>
public sealed class RpmVerifyCleanTests(BuiltImage image) : IClassFixture<BuiltImage>
{
    [Fact]
    public async Task Rpm_Va_on_a_reproducible_image_reports_nothing_but_configuration_files()
    {
        await using var system = await InspectedSystem.OpenImageAsync(image.Qcow2, CancellationToken.None);
        var psi = new System.Diagnostics.ProcessStartInfo("rpm", ["--root", system.Root, "--dbpath", "/usr/lib/sysimage/rpm", "-Va", "--nodeps", "--noscripts"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var rpm = System.Diagnostics.Process.Start(psi)!;
        var output = await rpm.StandardOutput.ReadToEndAsync();
        var error = await rpm.StandardError.ReadToEndAsync();
        await rpm.WaitForExitAsync();

        // "SM5DLUGTP  c /etc/x": the attribute field, then the file type marker (c = %config) and the path.
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var notConfig = lines.Where(l => l.Length < 13 || l[11] != 'c').ToList();
        Assert.True(notConfig.Count == 0, $"{notConfig.Count} non-config files reported by rpm -Va:\n{string.Join('\n', notConfig.Take(40))}\n{error}");

        // Not vacuous: the image does hold packaged files later than the epoch, with their header mtimes.
        var sh = new FileInfo(Path.Combine(system.Root, "usr", "bin", "bash"));
        Assert.True(new DateTimeOffset(sh.LastWriteTimeUtc).ToUnixTimeSeconds() > BuiltImage.Epoch, $"{sh.FullName} is not later than the epoch");
    }

    [Fact]
    public async Task Two_builds_with_the_same_epoch_are_still_bit_identical()
    {
        var second = Path.Combine(image.Work, "again.qcow2");
        await image.BuildAsync(second);
        Assert.Equal(Hash(image.Qcow2), Hash(second));
    }

    private static string Hash(string file)
    {
        using var f = File.OpenRead(file);
        return Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(f));
    }
}
