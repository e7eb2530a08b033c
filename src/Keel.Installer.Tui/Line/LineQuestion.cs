namespace Keel.Installer.Tui.Line;

/// <summary>
/// One question of the line mode: its prompt, the default offered in brackets, the choices "?" lists, and what an answer
/// does (null when accepted, else the one-line error repeated with the question).
/// </summary>
internal sealed record LineQuestion(
    string Prompt,
    Func<CancellationToken, Task<string>> Default,
    Func<CancellationToken, Task<IReadOnlyList<string>>> Choices,
    Func<string, CancellationToken, Task<string?>> Answer,
    Func<bool>? Asked = null);
