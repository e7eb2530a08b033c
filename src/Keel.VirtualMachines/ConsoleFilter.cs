using System.Text;

namespace Keel.VirtualMachines;

/// <summary>
/// Splits serial console text into what is shown (colours kept, but screen clears and cursor moves
/// dropped: OVMF clears the screen, which would wipe the user's terminal) and plain text with every
/// escape sequence removed, which is what --expect and the error report look at. Keeps its state
/// between chunks, so a sequence split across reads is handled.
/// </summary>
internal sealed class ConsoleFilter
{
    private const char Escape = '\u001b';
    private const int MaxSequenceLength = 64;

    private readonly StringBuilder _pending = new();
    private State _state;

    private enum State
    {
        Text,
        AfterEscape,
        InCsi,
    }

    /// <summary>Filters <paramref name="chunk"/>, appending to <paramref name="display"/> and <paramref name="plain"/>.</summary>
    public void Process(ReadOnlySpan<char> chunk, StringBuilder display, StringBuilder plain)
    {
        foreach (var c in chunk)
        {
            switch (_state)
            {
                case State.Text when c == Escape:
                    _pending.Clear().Append(c);
                    _state = State.AfterEscape;
                    break;
                case State.Text:
                    display.Append(c);
                    plain.Append(c);
                    break;
                case State.AfterEscape when c == '[':
                    _pending.Append(c);
                    _state = State.InCsi;
                    break;
                case State.AfterEscape:
                    // Two-character escapes (ESC c resets the terminal): dropped.
                    _state = State.Text;
                    break;
                case State.InCsi:
                    _pending.Append(c);
                    if (c is >= '@' and <= '~')
                    {
                        if (c == 'm')
                        {
                            display.Append(_pending);
                        }

                        _state = State.Text;
                    }
                    else if (_pending.Length > MaxSequenceLength)
                    {
                        // Not a real sequence: give up on it rather than swallow the console.
                        _state = State.Text;
                    }

                    break;
            }
        }
    }
}
