using System.Runtime.InteropServices;

namespace Keel.Validation;

/// <summary>The Linux calls behind <see cref="ConfinedRoot"/>: openat2 with RESOLVE_IN_ROOT, statx and readlinkat.</summary>
internal static unsafe partial class ConfinedNative
{
    public const int AtEmptyPath = 0x1000;
    public const int AtSymlinkNoFollow = 0x100;
    public const uint StatxBasicStats = 0x7ff;
    public const ulong ResolveNoMagicLinks = 0x02;
    public const ulong ResolveInRoot = 0x10;
    public const ulong OPath = 0x200000;
    public const ulong OCloexec = 0x80000;
    public const ulong ONonblock = 0x800;
    public const int Enoent = 2;
    public const int Enotdir = 20;
    public const int Eloop = 40;
    public const int Enosys = 38;

    // openat2 is 437 on every architecture (syscalls from 424 on share one table).
    private const long SysOpenat2 = 437;

    // O_NOFOLLOW and O_DIRECTORY differ between x86-64 and arm64.
    public static ulong ONoFollow => RuntimeInformation.ProcessArchitecture is Architecture.Arm64 or Architecture.Arm ? 0x8000UL : 0x20000UL;

    public static ulong ODirectory => RuntimeInformation.ProcessArchitecture is Architecture.Arm64 or Architecture.Arm ? 0x4000UL : 0x10000UL;

    [StructLayout(LayoutKind.Sequential)]
    private struct OpenHow
    {
        public ulong Flags;
        public ulong Mode;
        public ulong Resolve;
    }

    [LibraryImport("libc", EntryPoint = "syscall", SetLastError = true)]
    private static partial long Syscall(long number, int dirfd, byte* path, OpenHow* how, nuint size);

    [LibraryImport("libc", EntryPoint = "statx", SetLastError = true)]
    private static partial int Statx(int dirfd, byte* path, int flags, uint mask, byte* buffer);

    [LibraryImport("libc", EntryPoint = "readlinkat", SetLastError = true)]
    private static partial nint ReadLinkAt(int dirfd, byte* path, byte* buffer, nuint size);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    public static partial int Close(int fd);

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int Open(string path, int flags);

    /// <summary>openat2(dirfd, path, flags, resolve): a file descriptor or -errno.</summary>
    public static int OpenAt2(int dirfd, ReadOnlySpan<byte> pathZ, ulong flags, ulong resolve)
    {
        var how = new OpenHow { Flags = flags, Mode = 0, Resolve = resolve };
        fixed (byte* p = pathZ)
        {
            long fd = Syscall(SysOpenat2, dirfd, p, &how, (nuint)sizeof(OpenHow));
            return fd < 0 ? -Marshal.GetLastPInvokeError() : (int)fd;
        }
    }

    /// <summary>statx of the object an O_PATH descriptor refers to (not following it): 0 or -errno.</summary>
    public static int StatFd(int fd, out UnixStat stat)
    {
        byte* buffer = stackalloc byte[256];
        byte empty = 0;
        int rc = Statx(fd, &empty, AtEmptyPath | AtSymlinkNoFollow, StatxBasicStats, buffer);
        if (rc != 0)
        {
            stat = default;
            return -Marshal.GetLastPInvokeError();
        }

        // struct statx: uid at 20, gid at 24, mode at 28, size at 40, mtime.tv_sec at 112, rdev major/minor at 128/132.
        stat = new UnixStat(
            *(ushort*)(buffer + 28),
            *(uint*)(buffer + 20),
            *(uint*)(buffer + 24),
            *(long*)(buffer + 40),
            *(long*)(buffer + 112),
            ((ulong)*(uint*)(buffer + 128) << 32) | *(uint*)(buffer + 132));
        return 0;
    }

    /// <summary>The target of the symlink an O_PATH descriptor refers to, or null.</summary>
    public static byte[]? ReadLink(int fd)
    {
        var buffer = new byte[4096];
        byte empty = 0;
        fixed (byte* b = buffer)
        {
            nint n = ReadLinkAt(fd, &empty, b, (nuint)buffer.Length);
            return n < 0 ? null : buffer.AsSpan(0, (int)n).ToArray();
        }
    }
}

/// <summary>The parts of struct statx the checks compare.</summary>
/// <param name="Rdev">major &lt;&lt; 32 | minor.</param>
internal readonly record struct UnixStat(int Mode, uint Uid, uint Gid, long Size, long MTime, ulong Rdev)
{
    public int Type => Mode & 0xf000;

    public bool IsRegular => Type == 0x8000;

    public bool IsDirectory => Type == 0x4000;

    public bool IsSymlink => Type == 0xa000;
}
