using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Keel.DiskImages;

/// <summary>
/// Opens block devices without .NET's implicit flock. FileStream and File.OpenHandle take a non-blocking BSD lock on every
/// open, and systemd-udevd takes LOCK_EX on a whole disk for a moment after any program closes it written (to re-read the
/// partition table), so a managed open during that moment fails as "being used by another process". The disk's own
/// writer holds <see cref="BlockDeviceLock"/> instead, as systemd's block-device locking protocol asks.
/// </summary>
public static partial class BlockDevice
{
    private const int ORdOnly = 0, OWrOnly = 1, ORdWr = 2, OCloExec = 0x80000;

    /// <summary>open(2) of <paramref name="path"/> for <paramref name="access"/>, close-on-exec, taking no lock.</summary>
    public static SafeFileHandle Open(string path, FileAccess access)
    {
        ArgumentNullException.ThrowIfNull(path);
        int flags = OCloExec | access switch
        {
            FileAccess.Read => ORdOnly,
            FileAccess.Write => OWrOnly,
            _ => ORdWr,
        };
        int fd = OpenNative(path, flags);
        if (fd < 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            throw new IOException($"{path}: cannot open: {Marshal.GetPInvokeErrorMessage(errno)}", errno);
        }

        return new SafeFileHandle(fd, ownsHandle: true);
    }

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int OpenNative(string path, int flags);

    [LibraryImport("libc", EntryPoint = "flock", SetLastError = true)]
    internal static partial int Flock(SafeFileHandle fd, int operation);
}

/// <summary>
/// An exclusive BSD lock on a whole disk for as long as the disk is rewritten: systemd-udevd skips probing and re-reading a
/// locked disk (it processes the postponed events once the lock goes), so it never reads a half-written table or drops the
/// partitions between the writer's steps.
/// </summary>
public sealed class BlockDeviceLock : IDisposable
{
    private const int LockEx = 2, LockNb = 4, EWouldBlock = 11;
    private readonly SafeFileHandle _handle;

    private BlockDeviceLock(string path, SafeFileHandle handle)
    {
        Path = path;
        _handle = handle;
    }

    /// <summary>The locked disk.</summary>
    public string Path { get; }

    /// <summary>
    /// Takes the lock on <paramref name="disk"/>, waiting up to <paramref name="wait"/> for a holder to let go (udev holds it for
    /// milliseconds); throws IOException naming the disk when it stays locked.
    /// </summary>
    public static async Task<BlockDeviceLock> AcquireAsync(string disk, TimeSpan wait, CancellationToken ct)
    {
        var handle = BlockDevice.Open(disk, FileAccess.Read);
        try
        {
            var deadline = DateTime.UtcNow + wait;
            while (BlockDevice.Flock(handle, LockEx | LockNb) != 0)
            {
                int errno = Marshal.GetLastPInvokeError();
                if (errno != EWouldBlock)
                {
                    throw new IOException($"{disk}: cannot lock the disk: {Marshal.GetPInvokeErrorMessage(errno)}", errno);
                }

                if (DateTime.UtcNow >= deadline)
                {
                    throw new IOException($"{disk}: another program (a partitioning tool or udev) has held the disk's lock for {wait.TotalSeconds:0} s; close it and try again");
                }

                await Task.Delay(50, ct).ConfigureAwait(false);
            }

            return new BlockDeviceLock(disk, handle);
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    /// <summary>Closing the descriptor drops the lock; udev then runs what it postponed.</summary>
    public void Dispose() => _handle.Dispose();
}
