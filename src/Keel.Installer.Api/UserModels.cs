namespace Keel.Installer.Api;

/// <summary>
/// Screen 8. <see cref="Password"/> travels once, in clear over the root-only socket, and is hashed by the service at once;
/// null keeps the hash the session already has. <see cref="AuthorizedKeys"/> are OpenSSH public key lines.
/// </summary>
public sealed record UserSettings(
    bool RootLocked,
    string AdminName,
    string? Password,
    string? PasswordAgain,
    IReadOnlyList<string> AuthorizedKeys);

/// <summary>The users section as the service keeps it: never the password, only whether one is set.</summary>
public sealed record UserSettingsView(bool RootLocked, string? AdminName, bool PasswordSet, IReadOnlyList<string> AuthorizedKeys);

/// <summary>
/// A key found on a removable volume: where, its type, SHA256 fingerprint and comment. <see cref="Valid"/> false means the
/// line did not parse (<see cref="Problem"/> says why); such a key is shown, never imported.
/// </summary>
public sealed record FoundKey(
    string Volume,
    string File,
    int Line,
    string? Type,
    string? Fingerprint,
    string? Comment,
    bool Valid,
    string? Problem,
    string? KeyLine);
