namespace Keel.Media.Manifest;

/// <summary>One file of a medium: its path relative to the medium root, its size and its SHA-256 (lower-case hex).</summary>
public sealed record ManifestEntry(string Path, long Size, string Sha256);
