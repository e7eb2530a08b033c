using Keel.Errors;

namespace Keel.Config.Loading;

/// <summary>One finding about a config, located by YAML line:column and by key path (e.g. storage.partitions[1].size).</summary>
public sealed record ConfigDiagnostic(Severity Severity, string Path, int Line, int Column, string Message, string? Hint = null)
{
    /// <summary>Compiler-style text: FILE:LINE:COL: error: PATH: MESSAGE (HINT).</summary>
    public string Format(string file)
    {
        var severity = Severity.Name();
        var path = Path.Length == 0 ? "" : Path + ": ";
        var hint = Hint is null ? "" : " (" + Hint + ")";
        return $"{file}:{Line}:{Column}: {severity}: {path}{Message}{hint}";
    }
}
