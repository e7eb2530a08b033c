namespace Keel.Rpm;

/// <summary>One member of a cpio "newc" archive; <see cref="Open"/> reads its data until the next entry is requested.</summary>
public sealed class CpioEntry
{
    private readonly Func<Stream> _open;

    internal CpioEntry(string name, int mode, long size, long inode, int devMajor, int devMinor, int nlink, long mtime, Func<Stream> open)
    {
        Name = name;
        Mode = mode;
        Size = size;
        Inode = inode;
        DevMajor = devMajor;
        DevMinor = devMinor;
        LinkCount = nlink;
        MTime = mtime;
        _open = open;
    }

    /// <summary>The name exactly as stored (rpm writes "./usr/bin/x").</summary>
    public string Name { get; }

    public int Mode { get; }

    public long Size { get; }

    public long Inode { get; }

    public int DevMajor { get; }

    public int DevMinor { get; }

    public int LinkCount { get; }

    public long MTime { get; }

    public bool IsDirectory => (Mode & 0xf000) == 0x4000;

    public bool IsRegular => (Mode & 0xf000) == 0x8000;

    public bool IsSymlink => (Mode & 0xf000) == 0xa000;

    /// <summary>The entry's data; valid until the next call to <see cref="CpioReader.GetNextEntry"/>.</summary>
    public Stream Open() => _open();

    public override string ToString() => Name;
}
