namespace Keel.Rpm;

/// <summary>Size limits rpm itself applies when reading headers (hdrblobRead), enforced before allocating.</summary>
internal static class RpmHeaderLimits
{
    /// <summary>Magic, reserved, index count and data length: the 16-byte preamble of a header in a package file.</summary>
    public const int PreambleSize = 16;
    public const int IndexEntrySize = 16;

    public const int MaxSignatureEntries = 32;
    public const int MaxSignatureData = 64 * 1024 * 1024;
    public const int MaxHeaderEntries = 0xffff;
    public const int MaxHeaderData = 0x0fffffff;

    public static ReadOnlySpan<byte> Magic => [0x8e, 0xad, 0xe8, 0x01, 0x00, 0x00, 0x00, 0x00];
}
