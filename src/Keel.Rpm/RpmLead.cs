using System.Buffers.Binary;
using System.Text;

namespace Keel.Rpm;

/// <summary>The 96-byte lead at the start of every RPM file; only its magic, version and signature type matter today.</summary>
public sealed record RpmLead(int Major, int Minor, bool IsSource, string Name)
{
    public const int Size = 96;
    private const int SignatureTypeHeader = 5;

    private static ReadOnlySpan<byte> Magic => [0xed, 0xab, 0xee, 0xdb];

    /// <summary>Parses and checks a lead; throws InvalidDataException naming <paramref name="sourceName"/>.</summary>
    public static RpmLead Parse(ReadOnlySpan<byte> lead, string sourceName)
    {
        if (lead.Length < Size)
        {
            throw new InvalidDataException($"{sourceName}: file is {lead.Length} bytes, shorter than the {Size}-byte RPM lead (truncated or not an RPM)");
        }

        if (!lead.StartsWith(Magic))
        {
            throw new InvalidDataException($"{sourceName}: not an RPM package (lead magic is {Convert.ToHexStringLower(lead[..4])}, expected edabeedb)");
        }

        int major = lead[4], minor = lead[5];
        if (major < 3)
        {
            throw new NotSupportedException($"{sourceName}: RPM format version {major}.{minor} is older than 3.0 and not supported");
        }

        int type = BinaryPrimitives.ReadUInt16BigEndian(lead[6..]);
        int sigType = BinaryPrimitives.ReadUInt16BigEndian(lead[78..]);
        if (sigType != SignatureTypeHeader)
        {
            throw new InvalidDataException($"{sourceName}: lead signature type {sigType} is not 5 (header-style signatures)");
        }

        var nameField = lead.Slice(10, 66);
        int nul = nameField.IndexOf((byte)0);
        var name = Encoding.UTF8.GetString(nul >= 0 ? nameField[..nul] : nameField);
        return new RpmLead(major, minor, type == 1, name);
    }
}
