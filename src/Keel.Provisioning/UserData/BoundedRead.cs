using Keel.Errors;
using Keel.TargetSystem;

namespace Keel.Provisioning.UserData;

/// <summary>
/// Reads untrusted files and streams with a byte limit enforced while reading: a file's length says nothing about a
/// device (/dev/zero is 0 bytes long) or a /proc file, and an HTTP body may never end.
/// </summary>
public static class BoundedRead
{
    /// <summary>Bytes read at a time; a refused input has been read at most this far past the limit.</summary>
    public const int ChunkBytes = 81920;

    /// <summary>
    /// Reads a regular file at <paramref name="hostPath"/>, refusing more than <paramref name="maxBytes"/> bytes and
    /// anything that is not a regular file (a FIFO or a terminal would block the read, a device would never end).
    /// Messages start with <paramref name="input"/>. Throws FileNotFoundException when nothing is there.
    /// </summary>
    public static byte[] ReadFile(string hostPath, long maxBytes, string input)
    {
        var kind = UnixFileInfo.KindOf(hostPath) ?? throw new FileNotFoundException($"{input}: no such file", hostPath);
        if (kind != "regular file")
        {
            throw new UnsupportedInputException(input, $"{input}: {kind}, not a regular file; refused");
        }

        try
        {
            using var stream = new FileStream(hostPath, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
            return ReadAll(stream, maxBytes, input);
        }
        catch (UnauthorizedAccessException ex)
        {
            throw new IOException($"{input}: permission denied", ex);
        }
    }

    /// <summary>Reads <paramref name="stream"/> to its end, throwing LimitExceededException as soon as it passes <paramref name="maxBytes"/>.</summary>
    public static byte[] ReadAll(Stream stream, long maxBytes, string input, CancellationToken cancellationToken = default)
    {
        using var output = new MemoryStream();
        var buffer = new byte[ChunkBytes];
        while (true)
        {
            // Whole chunks (some /proc files refuse reads of odd sizes); at most one chunk past the limit is ever held.
            var n = cancellationToken.CanBeCanceled
                ? stream.ReadAsync(buffer, cancellationToken).AsTask().GetAwaiter().GetResult()
                : stream.Read(buffer, 0, buffer.Length);
            if (n == 0)
            {
                return output.ToArray();
            }

            output.Write(buffer, 0, n);
            if (output.Length > maxBytes)
            {
                throw new LimitExceededException(input, $"{input}: more than {maxBytes} bytes; refused");
            }
        }
    }

}
