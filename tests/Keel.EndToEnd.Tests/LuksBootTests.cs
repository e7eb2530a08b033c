using System.Security.Cryptography;
using Keel.Config.Presets;
using Keel.Install.Engine;
using Keel.Install.Storage;
using Keel.Repository.Cache;
using Keel.VirtualMachines;
using Xunit.Abstractions;

namespace Keel.EndToEnd.Tests;

/// <summary>
/// An image with an encrypted root (key file): the first boot encrypts the root partition in place inside the machine and
/// boots from /dev/mapper/root; the second boot of the same disk only opens it. Afterwards the partition is LUKS2 on disk.
/// </summary>
public sealed class LuksBootTests(ITestOutputHelper output) : IDisposable
{
    private const string Encrypting = "keel-luks: encrypting";

    /// <summary>Prints where / is mounted from and what the mapping is, from the booted system.</summary>
    private const string Extra = """
        packages:
          include:
            - cryptsetup
        storage:
          encryption:
            type: luks2
            keyFile: luks.key
        files:
          - path: /etc/rc.d/boot.d/50-e2e-luks
            mode: "0755"
            content: |
              #!/bin/sh
              echo "KEEL-ROOT $(awk '$2 == "/" {print $1}' /proc/mounts)"
              echo KEEL-CRYPT-BEGIN
              cryptsetup status root
              echo KEEL-CRYPT-END
              echo KEEL-CRYPTTAB-BEGIN
              cat /etc/crypttab
              echo KEEL-CRYPTTAB-END

        """;

    private readonly string _work = EndToEnd.Scratch("luks");

    public void Dispose() => EndToEnd.DeleteQuietly(_work);

    [Fact]
    public async Task Encrypted_root_is_encrypted_on_first_boot_and_opened_on_the_next()
    {
        File.WriteAllBytes(Path.Combine(_work, "luks.key"), RandomNumberGenerator.GetBytes(64));
        var config = EndToEnd.WriteConfig(_work, "minimal", extra: Extra);
        var loaded = EndToEnd.Load(config);
        var image = Path.Combine(_work, "luks.raw");

        var result = await new ImageBuilder(new ImageBuildOptions { Output = image, Cache = new KeelCache(Path.Combine(_work, "cache")) })
            .BuildAsync(loaded, PackageRequest.Build(loaded, PresetCatalog.CreateDefault()));

        var root = await RootPartitionAsync(image);
        var luksUuid = Argument(result.KernelCommandLine, "rd.luks.uuid=");
        Assert.Equal($"PARTUUID={root.PartitionGuid:D}", Argument(result.KernelCommandLine, "rd.keel.encrypt="));
        var ext4Uuid = Guid.Parse(Argument(result.KernelCommandLine, "root=UUID="));
        // As built, the root partition is a plain ext4 file system, 32 MiB short of the partition's end.
        Assert.Equal(ext4Uuid, Ext4UuidAt(image, root.StartBytes));
        Assert.True(Occurs(image, root, ext4Uuid));

        var first = await BootAsync(image, keep: true);
        Assert.Contains($"{Encrypting} ", first, StringComparison.Ordinal);
        Assert.Contains("keel-luks: encrypted ", first, StringComparison.Ordinal);
        AssertBootedFromMapping(first, luksUuid);

        var second = await BootAsync(image, keep: false);
        Assert.DoesNotContain(Encrypting, second, StringComparison.Ordinal);
        Assert.Contains("keel-luks: opened ", second, StringComparison.Ordinal);
        AssertBootedFromMapping(second, luksUuid);

        // On the host, after the first boot wrote to the image: a LUKS2 header where ext4 was, and the file system's UUID
        // (primary and backup superblocks) nowhere in clear.
        using (var stream = File.OpenRead(image))
        {
            var magic = new byte[8];
            stream.Position = root.StartBytes;
            stream.ReadExactly(magic);
            Assert.Equal("4C554B53BABE0002", Convert.ToHexString(magic)); // "LUKS\xba\xbe", version 2
        }

        var probe = await Run("blkid", "-p", "-O", root.StartBytes.ToString(System.Globalization.CultureInfo.InvariantCulture), "-o", "export", image);
        Assert.Contains("TYPE=crypto_LUKS", probe, StringComparison.Ordinal);
        Assert.Contains($"UUID={luksUuid}", probe, StringComparison.Ordinal);
        Assert.False(Occurs(image, root, ext4Uuid), $"the ext4 UUID {ext4Uuid} is still in clear in the root partition");
    }

    private async Task<string> BootAsync(string image, bool keep)
    {
        var console = new StringWriter();
        var boot = await new VirtualMachineRunner().RunAsync(
            new VmRunOptions { ImagePath = image, Expect = BootedImageTests.Banner, Timeout = EndToEnd.BootTimeout, MemoryMiB = 768, TempRoot = _work, Keep = keep }, console);
        var text = console.ToString().ReplaceLineEndings("\n");
        output.WriteLine($"--- boot (keep {keep}): {boot.Outcome} after {boot.Elapsed.TotalSeconds:F0} s");
        output.WriteLine(text);
        Assert.True(boot.Outcome == VmRunOutcome.ExpectedTextSeen, $"{boot.Outcome}: {EndToEnd.Tail(text)}");
        return text;
    }

    private static void AssertBootedFromMapping(string console, string luksUuid)
    {
        Assert.Contains("KEEL-ROOT /dev/mapper/root\n", console, StringComparison.Ordinal);
        var status = EndToEnd.Between(console, "KEEL-CRYPT-BEGIN", "KEEL-CRYPT-END");
        Assert.Contains(status, l => l.StartsWith("/dev/mapper/root is active and is in use", StringComparison.Ordinal));
        Assert.Contains(status, l => l.StartsWith("type:", StringComparison.Ordinal) && l.EndsWith("LUKS2", StringComparison.Ordinal));
        Assert.Equal([$"{RootEncryption.MappingName} UUID={luksUuid} none luks"], EndToEnd.Between(console, "KEEL-CRYPTTAB-BEGIN", "KEEL-CRYPTTAB-END"));
    }

    private static string Argument(string commandLine, string prefix) =>
        commandLine.Split(' ').Single(a => a.StartsWith(prefix, StringComparison.Ordinal))[prefix.Length..];

    /// <summary>The UUID of an ext4 superblock at <paramref name="start"/> (magic checked), or null.</summary>
    private static Guid? Ext4UuidAt(string image, long start)
    {
        using var stream = File.OpenRead(image);
        var sb = new byte[1024];
        stream.Position = start + 1024;
        stream.ReadExactly(sb);
        return sb[0x38] == 0x53 && sb[0x39] == 0xEF ? new Guid(sb.AsSpan(0x68, 16), bigEndian: true) : null;
    }

    /// <summary>Whether <paramref name="uuid"/>'s on-disk bytes (as ext4 superblocks store it) occur anywhere in the partition.</summary>
    private static bool Occurs(string image, Partition partition, Guid uuid)
    {
        var needle = uuid.ToByteArray(bigEndian: true);
        using var stream = File.OpenRead(image);
        stream.Position = partition.StartBytes;
        var buffer = new byte[(4 << 20) + needle.Length];
        long left = partition.SizeBytes;
        int carry = 0;
        while (left > 0)
        {
            int want = (int)Math.Min(4 << 20, left);
            stream.ReadExactly(buffer, carry, want);
            left -= want;
            var span = buffer.AsSpan(0, carry + want);
            if (span.IndexOf(needle) >= 0)
            {
                return true;
            }

            carry = needle.Length - 1;
            span[^carry..].CopyTo(buffer);
        }

        return false;
    }

    private sealed record Partition(long StartBytes, long SizeBytes, Guid PartitionGuid);

    /// <summary>The partition named "root", read back from the image's GPT by sgdisk.</summary>
    private static async Task<Partition> RootPartitionAsync(string image)
    {
        // "  2         1050624         4194270   1.5 GiB     8304  root"
        var number = (await Run("sgdisk", "-p", image)).Split('\n').Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Single(f => f.Length >= 7 && f[^1] == "root" && int.TryParse(f[0], out _))[0];
        var info = (await Run("sgdisk", "-i", number, image)).Split('\n');
        string Field(string name) => info.Single(l => l.StartsWith(name + ":", StringComparison.Ordinal))[(name.Length + 1)..].Trim().Split(' ')[0];
        var first = long.Parse(Field("First sector"), System.Globalization.CultureInfo.InvariantCulture);
        var last = long.Parse(Field("Last sector"), System.Globalization.CultureInfo.InvariantCulture);
        return new Partition(first * 512, (last - first + 1) * 512, Guid.Parse(Field("Partition unique GUID")));
    }

    private static async Task<string> Run(string tool, params string[] args)
    {
        // sgdisk and blkid live in /usr/sbin, which the test runner's PATH may lack.
        var path = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Append("/usr/sbin").Append("/sbin")
            .Select(d => Path.Combine(d, tool)).FirstOrDefault(File.Exists) ?? tool;
        var psi = new System.Diagnostics.ProcessStartInfo(path) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        using var process = System.Diagnostics.Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"{tool} {string.Join(' ', args)}: exit {process.ExitCode}: {await stderr}");
        return await stdout;
    }
}
