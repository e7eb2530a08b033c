namespace Keel.Tests;

/// <summary>
/// Replays the inputs bench/fuzz found (crashes, hangs and a few interesting corpus entries), kept under
/// FuzzCorpus/TARGET in the test project and copied to the output: each must be read or refused the documented way.
/// </summary>
internal static class FuzzCorpus
{
    /// <summary>Generous: a finding that hangs should fail the test, not stall the suite; no input needs near this.</summary>
    private static readonly TimeSpan HangLimit = TimeSpan.FromMinutes(2);

    /// <summary>The file names of one target's corpus, as theory data.</summary>
    public static TheoryData<string> Files(string target)
    {
        var dir = Path.Combine(AppContext.BaseDirectory, "FuzzCorpus", target);
        var data = new TheoryData<string>();
        foreach (var file in Directory.EnumerateFiles(dir).Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetFileName(file));
        }

        return data;
    }

    /// <summary>Runs <paramref name="read"/> on one corpus file: it must return, or throw a documented refusal
    /// (InvalidDataException, FormatException, NotSupportedException, KeelException) whose message is one non-empty line.</summary>
    public static void AssertReadsOrRefuses(string target, string name, Action<string, byte[]> read)
    {
        var path = Path.Combine(AppContext.BaseDirectory, "FuzzCorpus", target, name);
        var bytes = File.ReadAllBytes(path);
        Exception? thrown = null;
        var thread = new Thread(() =>
        {
            try
            {
                read(path, bytes);
            }
            catch (Exception ex)
            {
                thrown = ex;
            }
        });
        thread.IsBackground = true;
        thread.Start();
        Assert.True(thread.Join(HangLimit), $"{target}/{name}: still running after {HangLimit.TotalMinutes} minutes (hang)");
        if (thrown is null)
        {
            return;
        }

        Assert.True(
            thrown is InvalidDataException or FormatException or NotSupportedException || IsKeelException(thrown),
            $"{target}/{name}: {thrown}");
        Assert.False(string.IsNullOrWhiteSpace(thrown.Message), $"{target}/{name}: {thrown.GetType().Name} with an empty message");
        Assert.True(thrown.Message.IndexOfAny(['\r', '\n']) < 0, $"{target}/{name}: message is not one line: {thrown.Message}");
    }

    // By name: this file is compiled into every test project, and not all of them reference Keel.Errors.
    private static bool IsKeelException(Exception ex)
    {
        for (var type = ex.GetType(); type is not null; type = type.BaseType)
        {
            if (type.FullName == "Keel.Errors.KeelException")
            {
                return true;
            }
        }

        return false;
    }
}
