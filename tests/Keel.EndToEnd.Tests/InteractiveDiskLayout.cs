using System.Globalization;
using System.Text.RegularExpressions;

namespace Keel.EndToEnd.Tests;

/// <summary>A disk image's partition table as sgdisk prints it, and which partitions start with a LUKS2 header.</summary>
internal sealed partial record InteractiveDiskLayout(IReadOnlyList<string> Partitions, IReadOnlyList<int> Luks2Partitions)
{
    private const int SectorSize = 512;

    private static ReadOnlySpan<byte> LuksMagic => [0x4C, 0x55, 0x4B, 0x53, 0xBA, 0xBE];

    /// <summary>Reads <paramref name="image"/>'s GPT (number, start, end, size, type code, name of each partition) and checks each partition for the LUKS2 magic.</summary>
    public static InteractiveDiskLayout Read(string image)
    {
        var table = InteractiveHostTools.Run("sgdisk", ["-p", image]);
        var rows = table.Split('\n').Select(l => Row().Match(l)).Where(m => m.Success).ToList();
        Assert.True(rows.Count > 0, $"{image}: no partitions in\n{table}");
        var luks = new List<int>();
        using var stream = File.OpenRead(image);
        foreach (var row in rows)
        {
            stream.Position = long.Parse(row.Groups["start"].Value, CultureInfo.InvariantCulture) * SectorSize;
            var header = new byte[8];
            stream.ReadExactly(header);
            // "LUKS" 0xBA 0xBE, then the version as a big-endian 16-bit number.
            if (header.AsSpan(0, 6).SequenceEqual(LuksMagic) && header[6] == 0 && header[7] == 2)
            {
                luks.Add(int.Parse(row.Groups["number"].Value, CultureInfo.InvariantCulture));
            }
        }

        return new InteractiveDiskLayout(rows.Select(r => Regex.Replace(r.Value.Trim(), @"\s+", " ")).ToList(), luks);
    }

    // "   1            2048         1050623   512.0 MiB   EF00  esp"
    [GeneratedRegex(@"^\s*(?<number>\d+)\s+(?<start>\d+)\s+\d+\s+[\d.]+ \S+\s+[0-9A-F]{4}\s*.*$")]
    private static partial Regex Row();
}
