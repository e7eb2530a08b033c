using System.Text;

namespace Keel.VirtualMachines;

/// <summary>Watches a guest's serial console: shows it live, looks for the expected text (also across chunk boundaries) and remembers the last lines for error reports.</summary>
internal sealed class ConsoleMonitor
{
    private readonly TextWriter? _display;
    private readonly string? _expect;
    private readonly int _keepLines;
    private readonly ConsoleFilter _filter = new();
    private readonly StringBuilder _displayChunk = new();
    private readonly StringBuilder _plainChunk = new();
    private readonly StringBuilder _currentLine = new();
    private readonly Queue<string> _lines = new();
    private readonly TaskCompletionSource _seen = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Lock _lock = new();
    private string _tail = "";

    public ConsoleMonitor(TextWriter? display, string? expect, int keepLines = 20)
    {
        _display = display;
        _expect = string.IsNullOrEmpty(expect) ? null : expect;
        _keepLines = keepLines;
    }

    /// <summary>Completes when the expected text has appeared; never completes without one.</summary>
    public Task ExpectedTextSeen => _seen.Task;

    /// <summary>Feeds the next piece of console output.</summary>
    public void Append(ReadOnlySpan<char> chunk)
    {
        lock (_lock)
        {
            _displayChunk.Clear();
            _plainChunk.Clear();
            _filter.Process(chunk, _displayChunk, _plainChunk);
            var plain = _plainChunk.ToString();
            RememberLines(plain);

            // Shown before the match is announced: whoever waits for the text may read or
            // follow the display as soon as it is signalled.
            if (_display is not null && _displayChunk.Length > 0)
            {
                _display.Write(_displayChunk.ToString());
                _display.Flush();
            }

            Match(plain);
        }
    }

    /// <summary>The last lines of plain console text, the unfinished one included.</summary>
    public IReadOnlyList<string> LastLines()
    {
        lock (_lock)
        {
            var lines = _lines.ToList();
            if (_currentLine.Length > 0)
            {
                lines.Add(_currentLine.ToString());
                if (lines.Count > _keepLines)
                {
                    lines.RemoveAt(0);
                }
            }

            return lines;
        }
    }

    private void Match(string plain)
    {
        if (_expect is null || _seen.Task.IsCompleted)
        {
            return;
        }

        var window = _tail + plain;
        if (window.Contains(_expect, StringComparison.Ordinal))
        {
            _seen.TrySetResult();
            return;
        }

        // Keep just enough to find the text when it straddles two chunks.
        _tail = window.Length < _expect.Length ? window : window[^(_expect.Length - 1)..];
    }

    private void RememberLines(string plain)
    {
        foreach (var c in plain)
        {
            if (c == '\n')
            {
                _lines.Enqueue(_currentLine.ToString());
                _currentLine.Clear();
                if (_lines.Count > _keepLines)
                {
                    _lines.Dequeue();
                }
            }
            else if (c != '\r' && _currentLine.Length < 4096)
            {
                _currentLine.Append(c);
            }
        }
    }
}
