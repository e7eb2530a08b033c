using System.Buffers;
using System.Threading.Channels;

namespace Keel.Compression;

/// <summary>
/// Reads a source stream on a background thread into a small bounded queue of buffers, so that decompressing
/// (and hashing) metadata runs on one core while the XML reader consumes it on another. Errors from the source
/// surface on the consumer's next read; disposing stops the reader and then disposes the source.
/// </summary>
public sealed class ReadAheadStream : ReadOnlyStream
{
    private const int ChunkSize = 128 * 1024;
    private const int QueueDepth = 8;

    private readonly Stream _source;
    private readonly Channel<(byte[] Buffer, int Length)> _queue;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _producer;
    private byte[]? _current;
    private int _currentLength;
    private int _currentOffset;
    private bool _ended;

    public ReadAheadStream(Stream source)
    {
        ArgumentNullException.ThrowIfNull(source);
        _source = source;
        _queue = Channel.CreateBounded<(byte[], int)>(new BoundedChannelOptions(QueueDepth) { SingleReader = true, SingleWriter = true });
        _producer = Task.Factory.StartNew(Produce, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
    }

    /// <summary>The stream being read ahead (for callers that need its state, e.g. a digest, after the end).</summary>
    public Stream Source => _source;

    protected override int ReadCore(Span<byte> buffer)
    {
        if (buffer.IsEmpty)
        {
            return 0;
        }

        while (_current is null || _currentOffset == _currentLength)
        {
            ReturnCurrent();
            if (_ended || !NextChunk())
            {
                _ended = true;
                return 0;
            }
        }

        int n = Math.Min(buffer.Length, _currentLength - _currentOffset);
        _current.AsSpan(_currentOffset, n).CopyTo(buffer);
        _currentOffset += n;
        return n;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _stop.Cancel();
            while (_queue.Reader.TryRead(out var chunk))
            {
                ArrayPool<byte>.Shared.Return(chunk.Buffer);
            }

            try
            {
                _producer.GetAwaiter().GetResult();
            }
            catch (Exception)
            {
                // The consumer already saw (or chose to ignore) the source's failure; disposal must not throw.
            }

            ReturnCurrent();
            _source.Dispose();
            _stop.Dispose();
        }

        base.Dispose(disposing);
    }

    private bool NextChunk()
    {
        var reader = _queue.Reader;
        if (!reader.TryRead(out var chunk))
        {
            // Blocking here is deliberate: this is the synchronous read path of a consumer on its own thread.
            if (!reader.WaitToReadAsync().AsTask().GetAwaiter().GetResult())
            {
                // Completion carries the producer's exception, if any; rethrow it to the consumer as is.
                reader.Completion.GetAwaiter().GetResult();
                return false;
            }

            reader.TryRead(out chunk);
        }

        (_current, _currentLength, _currentOffset) = (chunk.Buffer, chunk.Length, 0);
        return true;
    }

    private void ReturnCurrent()
    {
        if (_current is not null)
        {
            ArrayPool<byte>.Shared.Return(_current);
            _current = null;
        }
    }

    private async Task Produce()
    {
        var writer = _queue.Writer;
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                var buffer = ArrayPool<byte>.Shared.Rent(ChunkSize);
                int n = _source.ReadAtLeast(buffer, ChunkSize, throwOnEndOfStream: false);
                if (n == 0)
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                    break;
                }

                await writer.WriteAsync((buffer, n), _stop.Token).ConfigureAwait(false);
            }

            writer.TryComplete();
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
            writer.TryComplete();
        }
        catch (Exception ex)
        {
            writer.TryComplete(ex);
        }
    }
}
