namespace Keel.Installer.Tui.Line;

/// <summary>
/// One question of the line mode: its prompt, the default offered in brackets, the choices "?" lists, and what an answer
/// does (null when accepted, else the one-line error repeated with the question); <see cref="Asked"/> false skips it;
/// a <see cref="Secret"/> answer is typed with the tty's echo off.
/// </summary>
internal sealed record LineQuestion(
    string Prompt,
    Func<CancellationToken, Task<string>> Default,
    Func<CancellationToken, Task<IReadOnlyList<string>>> Choices,
    Func<string, CancellationToken, Task<string?>> Answer,
    Func<bool>? Asked = null,
    Func<string>? PromptNow = null,
    bool Secret = false)
{
    /// <summary>The prompt as it reads now (the install confirmation names the disk the review found).</summary>
    public string Text => PromptNow?.Invoke() ?? Prompt;
}
