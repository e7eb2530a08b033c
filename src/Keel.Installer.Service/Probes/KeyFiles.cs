using Keel.Config.Validation;
using Keel.Installer.Api;

namespace Keel.Installer.Service.Probes;

/// <summary>Where on a removable volume keys are looked for, and the limits both probes apply to what they read.</summary>
public static class KeyFiles
{
    /// <summary>The two fixed names; every *.pub at the volume's top is looked at too.</summary>
    public static IReadOnlyList<string> FixedNames { get; } = ["authorized_keys", "keel/authorized_keys"];

    /// <summary>A key file larger than this is not read (a USB stick can hold anything under those names).</summary>
    public const long MaxBytes = 1024 * 1024;

    /// <summary>True for authorized_keys, keel/authorized_keys and a top-level NAME.pub.</summary>
    public static bool IsKeyFile(string relativePath) =>
        FixedNames.Contains(relativePath, StringComparer.Ordinal)
        || (!relativePath.Contains('/', StringComparison.Ordinal) && relativePath.Length > 4 && relativePath.EndsWith(".pub", StringComparison.OrdinalIgnoreCase));

    /// <summary>A finding for a file that was not read (too large, unreadable, a filesystem this machine cannot read).</summary>
    public static FoundKey NotRead(string volume, string file, string problem) => new(volume, file, 0, null, null, null, false, problem, null);

    /// <summary>The finding for a key file over <see cref="MaxBytes"/>.</summary>
    public static FoundKey TooLarge(string volume, string file, long size) =>
        NotRead(volume, file, $"{ByteSize.Format(size)} is larger than the {ByteSize.Format(MaxBytes)} a key file may be; not read");

    /// <summary>
    /// Checks a file name to write at a volume's top: a plain name, no directory, no control characters. Returns the
    /// problem or null.
    /// </summary>
    public static string? CheckSaveName(string fileName) =>
        string.IsNullOrWhiteSpace(fileName) ? "the file name is empty"
        : fileName is "." or ".." || fileName.Contains('/', StringComparison.Ordinal) || fileName.Contains('\\', StringComparison.Ordinal) ? $"'{fileName}' must be a plain file name, not a path"
        : fileName.Any(char.IsControl) ? "the file name has control characters"
        : fileName.Length > 200 ? "the file name is longer than 200 characters"
        : null;
}

/// <summary>The refusal sentences a disk gets in <see cref="DiskFacts.Refusals"/>, the same for a profile and the live machine.</summary>
public static class DiskRefusals
{
    public const string HoldsMedium = "holds the install medium; choose another disk";

    public const string ReadOnly = "is read-only";

    /// <summary>"too small: 4 GiB, the layout needs at least 8.5 GiB".</summary>
    public static string TooSmall(long size, long minimum) => $"too small: {ByteSize.Format(size)}, the layout needs at least {ByteSize.Format(minimum)}";
}
