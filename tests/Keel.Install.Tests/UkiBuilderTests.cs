using System.Diagnostics;
using System.Security.Cryptography;
using Keel.Install.Boot;

namespace Keel.Install.Tests;

public sealed class UkiBuilderTests : IDisposable
{
    private const string Stub = "/usr/lib/systemd/boot/efi/linuxx64.efi.stub";
    private readonly string _work = InstallFixtures.ScratchPath("uki");

    public UkiBuilderTests() => Directory.CreateDirectory(_work);

    public void Dispose() => InstallFixtures.DeleteQuietly(_work);

    [Fact]
    public async Task Sections_follow_the_stub_aligned_and_the_result_is_reproducible()
    {
        var kernel = Path.Combine(_work, "vmlinuz");
        var initrd = Path.Combine(_work, "initrd");
        await File.WriteAllBytesAsync(kernel, RandomNumberGenerator.GetBytes(10_000));
        await File.WriteAllBytesAsync(initrd, RandomNumberGenerator.GetBytes(5_000));
        var parts = new UkiParts(Stub, kernel, initrd, "root=UUID=x ro console=ttyS0", "ID=test\n");

        var a = Path.Combine(_work, "a.efi");
        var b = Path.Combine(_work, "b.efi");
        await UkiBuilder.BuildAsync(parts, a, CancellationToken.None);
        await UkiBuilder.BuildAsync(parts, b, CancellationToken.None);
        Assert.Equal(SHA256.HashData(await File.ReadAllBytesAsync(a)), SHA256.HashData(await File.ReadAllBytesAsync(b)));
        Assert.Equal([a, b], Directory.GetFiles(_work, "*.efi").Order(StringComparer.Ordinal));

        // objdump sees the four sections, each on a 4 KiB boundary after the stub's own sections.
        var sections = ObjdumpSections(a);
        long stubEnd = UkiBuilder.StubEnd(Stub);
        long previousEnd = stubEnd;
        foreach (var (name, size) in new[] { (".osrel", 8L), (".cmdline", 28L), (".linux", 10_000L), (".initrd", 5_000L) })
        {
            var s = sections[name];
            Assert.Equal(0, s.Vma % 4096);
            Assert.True(s.Vma >= previousEnd, $"{name} at {s.Vma:x} overlaps the previous section ending {previousEnd:x}");
            Assert.Equal(size, s.Size);
            previousEnd = s.Vma + s.Size;
        }

        var cmdline = Path.Combine(_work, "cmdline.out");
        Run("objcopy", "-O", "binary", "--only-section=.cmdline", a, cmdline);
        Assert.Equal("root=UUID=x ro console=ttyS0", await File.ReadAllTextAsync(cmdline));
    }

    [Fact]
    public async Task A_stub_that_is_not_a_PE_file_is_refused_naming_it()
    {
        var fake = Path.Combine(_work, "stub");
        await File.WriteAllTextAsync(fake, "not an executable");
        var ex = Assert.Throws<InvalidDataException>(() => UkiBuilder.StubEnd(fake));
        Assert.Equal($"{fake}: not an EFI (PE) executable", ex.Message);
    }

    private static Dictionary<string, (long Vma, long Size)> ObjdumpSections(string file)
    {
        var result = new Dictionary<string, (long, long)>(StringComparer.Ordinal);
        foreach (var line in Run("objdump", "-h", file).Split('\n'))
        {
            var f = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (f.Length == 7 && int.TryParse(f[0], out _))
            {
                result[f[1]] = (Convert.ToInt64(f[3], 16), Convert.ToInt64(f[2], 16));
            }
        }

        return result;
    }

    private static string Run(string tool, params string[] args)
    {
        using var p = Process.Start(new ProcessStartInfo(tool, args) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var output = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, $"{tool} failed: {p.StandardError.ReadToEnd()}");
        return output;
    }
}
