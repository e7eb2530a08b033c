using System.Text;
using System.Text.Json;
using Keel.Processes;
using Keel.Progress;

namespace Keel.Installer;

/// <summary>
/// The install log: one JSON object per line — the engine's events exactly as `--progress json` writes them, the
/// installer's own console lines ({"type":"installer"}) and every tool it ran with its output ({"type":"tool"}). Kept in
/// memory (install.record copies it into the machine) and appended to a file on the live system as it grows, so what
/// happens after install.record (partitioning, filesystems, the boot entry) is there too.
/// </summary>
public sealed class InstallLog : IDisposable
{
    private readonly Lock _lock = new();
    private readonly StringBuilder _text = new();
    private readonly StreamWriter? _file;
    private readonly JsonProgressReporter _events;

    /// <summary>A log kept in memory and, when <paramref name="path"/> is given, mirrored to that file (created 0600, truncated).</summary>
    public InstallLog(string? path)
    {
        Path = path;
        if (path is not null)
        {
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path))!);
            var stream = new FileStream(path, new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write, UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite });
            _file = new StreamWriter(stream, new UTF8Encoding(false)) { AutoFlush = true };
        }

        _events = new JsonProgressReporter(new LineSink(this));
    }

    /// <summary>The file on the live system the log is mirrored to, or null.</summary>
    public string? Path { get; }

    /// <summary>Where the engine's events go to be logged.</summary>
    public IProgress<EngineEvent> Events => _events;

    /// <summary>The whole log so far.</summary>
    public string Text
    {
        get
        {
            lock (_lock)
            {
                return _text.ToString();
            }
        }
    }

    /// <summary>Logs one of the installer's console lines; returns the JSON line logged.</summary>
    public string Message(string message) => Append(json =>
    {
        json.WriteString("type", "installer");
        json.WriteString("message", message);
    });

    /// <summary>Logs a tool run: the command, its exit code and its output.</summary>
    public void Tool(string tool, IReadOnlyList<string> arguments, ToolResult result) => _ = Append(json =>
    {
        json.WriteString("type", "tool");
        json.WriteString("tool", tool);
        json.WriteStartArray("args");
        foreach (var a in arguments)
        {
            json.WriteStringValue(a);
        }

        json.WriteEndArray();
        json.WriteNumber("exit", result.ExitCode);
        json.WriteString("stdout", result.Output);
        json.WriteString("stderr", result.Error);
    });

    /// <summary>A JSON line of <paramref name="type"/> with <paramref name="message"/>, as the log writes them, without logging it.</summary>
    public static string Format(string type, string message) => Build(json =>
    {
        json.WriteString("type", type);
        json.WriteString("message", message);
    });

    public void Dispose() => _file?.Dispose();

    private string Append(Action<Utf8JsonWriter> body)
    {
        var line = Build(body);
        AppendLine(line);
        return line;
    }

    private static string Build(Action<Utf8JsonWriter> body)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteNumber("v", 1);
            json.WriteString("time", DateTimeOffset.UtcNow.ToString("O", System.Globalization.CultureInfo.InvariantCulture));
            body(json);
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private void AppendLine(string line)
    {
        lock (_lock)
        {
            _text.Append(line).Append('\n');
            _file?.Write(line + "\n");
        }
    }

    // JsonProgressReporter writes whole lines; this hands each to the log.
    private sealed class LineSink(InstallLog log) : TextWriter
    {
        private readonly StringBuilder _pending = new();

        public override Encoding Encoding => Encoding.UTF8;

        public override void Write(char value)
        {
            if (value == '\n')
            {
                log.AppendLine(_pending.ToString());
                _pending.Clear();
            }
            else if (value != '\r')
            {
                _pending.Append(value);
            }
        }

        public override void Write(string? value)
        {
            foreach (var c in value ?? "")
            {
                Write(c);
            }
        }

        public override void WriteLine(string? value)
        {
            Write(value);
            Write('\n');
        }
    }
}
