using System.Buffers.Binary;

namespace Keel.OpenPgp;

/// <summary>One OpenPGP packet located in a buffer: its tag, the whole packet (header included) and its body.</summary>
internal readonly record struct RawPacket(int Tag, int Start, int Length, int BodyStart, int BodyLength);

/// <summary>Splits binary OpenPGP data into packets (RFC 9580 §4.2), old and new header formats.</summary>
internal static class Packets
{
    public const int TagSignature = 2;
    public const int TagSecretKey = 5;
    public const int TagPublicKey = 6;
    public const int TagPublicSubkey = 14;

    public static List<RawPacket> Split(ReadOnlySpan<byte> data, string sourceName)
    {
        var packets = new List<RawPacket>();
        int pos = 0;
        while (pos < data.Length)
        {
            packets.Add(ReadOne(data, pos, sourceName));
            pos = packets[^1].Start + packets[^1].Length;
        }

        return packets;
    }

    private static RawPacket ReadOne(ReadOnlySpan<byte> data, int start, string sourceName)
    {
        byte first = data[start];
        if ((first & 0x80) == 0)
        {
            throw new InvalidDataException($"{sourceName}: byte 0x{first:x2} at offset {start} does not start an OpenPGP packet");
        }

        int pos = start + 1;
        int tag;
        long length;
        if ((first & 0x40) != 0)
        {
            tag = first & 0x3f;
            int o1 = Need(data, pos++, sourceName);
            if (o1 < 192)
            {
                length = o1;
            }
            else if (o1 < 224)
            {
                length = ((o1 - 192) << 8) + Need(data, pos++, sourceName) + 192;
            }
            else if (o1 == 255)
            {
                Need(data, pos + 3, sourceName);
                length = BinaryPrimitives.ReadUInt32BigEndian(data[pos..]);
                pos += 4;
            }
            else
            {
                throw new InvalidDataException($"{sourceName}: packet at offset {start} uses a partial body length, not allowed for keys and signatures");
            }
        }
        else
        {
            tag = (first >> 2) & 0x0f;
            switch (first & 3)
            {
                case 0:
                    length = Need(data, pos++, sourceName);
                    break;
                case 1:
                    Need(data, pos + 1, sourceName);
                    length = BinaryPrimitives.ReadUInt16BigEndian(data[pos..]);
                    pos += 2;
                    break;
                case 2:
                    Need(data, pos + 3, sourceName);
                    length = BinaryPrimitives.ReadUInt32BigEndian(data[pos..]);
                    pos += 4;
                    break;
                default:
                    length = data.Length - pos;
                    break;
            }
        }

        if (length > data.Length - pos)
        {
            throw new InvalidDataException($"{sourceName}: packet at offset {start} claims {length} bytes but only {data.Length - pos} remain");
        }

        return new RawPacket(tag, start, pos - start + (int)length, pos, (int)length);
    }

    private static int Need(ReadOnlySpan<byte> data, int index, string sourceName) =>
        index < data.Length ? data[index] : throw new InvalidDataException($"{sourceName}: OpenPGP packet header is truncated");
}
