using System.Runtime.InteropServices;

namespace Keel.TargetSystem;

/// <summary>The libc calls .NET has no managed API for.</summary>
internal static partial class Native
{
    [LibraryImport("libc", EntryPoint = "lchown", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int LChown(string path, uint owner, uint group);

    [LibraryImport("libc", EntryPoint = "sethostname", SetLastError = true)]
    internal static partial int SetHostname(ReadOnlySpan<byte> name, nuint length);

    [LibraryImport("libc", EntryPoint = "rename", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int Rename(string oldPath, string newPath);
}
