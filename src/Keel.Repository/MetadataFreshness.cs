using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Keel.Errors;
using Keel.Repository.Cache;
using Keel.Repository.Definitions;
using Keel.Repository.Metadata;

namespace Keel.Repository;

/// <summary>
/// Rollback and freshness checks for repomd.xml (issue 8 finding 4). The newest revision and timestamp seen for a
/// repository with a verified repomd signature are kept in the cache (state/ID-HASH12.fresh, written by rename); older
/// metadata is refused with reason metadata-stale. A maximum age refuses metadata whose newest timestamp is too old.
/// </summary>
internal static class MetadataFreshness
{
    /// <summary>
    /// Throws a metadata-stale <see cref="KeelException"/> when <paramref name="repoMd"/> is older than what was seen
    /// before (only for signed metadata: unsigned metadata proves nothing about its age) or than the maximum age.
    /// </summary>
    public static void Check(RepositoryDefinition definition, RepoMdDocument repoMd, string location, KeelCache cache, DateTimeOffset now)
    {
        var newest = NewestTimestamp(repoMd);
        if (definition.MetadataMaxAge is { } maxAge)
        {
            if (newest is null)
            {
                throw Stale(location, $"{location}: repository '{definition.Id}' lists no metadata timestamps, so its age cannot be checked against the {Format(maxAge)} allowed");
            }

            var made = DateTimeOffset.FromUnixTimeSeconds(newest.Value);
            if (now - made > maxAge)
            {
                throw Stale(location, $"{location}: repository '{definition.Id}' metadata of {made.UtcDateTime:yyyy-MM-dd HH:mm:ss}Z (revision {repoMd.Revision ?? "none"}) is older than the {Format(maxAge)} allowed");
            }
        }

        if (!definition.RepoGpgCheck || Read(StatePath(cache, definition)) is not { } seen)
        {
            return;
        }

        bool olderRevision = Number(repoMd.Revision) is { } rev && Number(seen.Revision) is { } seenRev && rev < seenRev;
        bool olderTimestamp = newest is { } ts && seen.Timestamp is { } seenTs && ts < seenTs;
        if (olderRevision || olderTimestamp)
        {
            var when = seen.Timestamp is { } t ? $" (timestamp {DateTimeOffset.FromUnixTimeSeconds(t).UtcDateTime:yyyy-MM-dd HH:mm:ss}Z)" : string.Empty;
            throw Stale(location, $"{location}: repository '{definition.Id}' serves metadata revision {repoMd.Revision ?? "none"}{(newest is { } n ? $" (timestamp {DateTimeOffset.FromUnixTimeSeconds(n).UtcDateTime:yyyy-MM-dd HH:mm:ss}Z)" : string.Empty)}, older than revision {seen.Revision ?? "none"}{when} seen before: a mirror may be replaying old metadata");
        }
    }

    /// <summary>Records <paramref name="repoMd"/> as the newest seen, when it is signed and not older than the record.</summary>
    public static void Record(RepositoryDefinition definition, RepoMdDocument repoMd, KeelCache cache)
    {
        if (!definition.RepoGpgCheck)
        {
            return;
        }

        var path = StatePath(cache, definition);
        var seen = Read(path);
        var revision = seen is not null && Number(repoMd.Revision) is { } r && Number(seen.Revision) is { } s && s > r ? seen.Revision : repoMd.Revision;
        var timestamp = Max(NewestTimestamp(repoMd), seen?.Timestamp);
        if (seen is not null && seen.Revision == revision && seen.Timestamp == timestamp)
        {
            return;
        }

        try
        {
            var text = $"revision={revision}\ntimestamp={timestamp?.ToString(CultureInfo.InvariantCulture)}\n";
            KeelCache.WriteAtomically(path, s => s.Write(Encoding.UTF8.GetBytes(text)));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Without a writable cache there is no memory to compare with; the signature check still holds.
        }
    }

    /// <summary>state/ID-HASH12.fresh: one file per repository id and set of base URLs (mirrors of one repository share it).</summary>
    public static string StatePath(KeelCache cache, RepositoryDefinition definition)
    {
        var urls = string.Join("\n", definition.BaseUrls.Order(StringComparer.Ordinal));
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(urls)))[..12];
        var id = new string(definition.Id.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_').ToArray());
        return Path.Combine(cache.Root, "state", $"{id}-{hash}.fresh");
    }

    private static long? NewestTimestamp(RepoMdDocument repoMd) => repoMd.Data.Max(d => d.Timestamp);

    private static long? Max(long? a, long? b) => a is null ? b : b is null ? a : Math.Max(a.Value, b.Value);

    // createrepo_c's default revision is the generation time in seconds; other revisions are opaque and not ordered.
    private static long? Number(string? revision) =>
        long.TryParse(revision, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : null;

    private static Seen? Read(string path)
    {
        string[] lines;
        try
        {
            if (!File.Exists(path) || new FileInfo(path).Length > 4096)
            {
                return null;
            }

            lines = File.ReadAllLines(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }

        string? revision = null;
        long? timestamp = null;
        foreach (var line in lines)
        {
            if (line.StartsWith("revision=", StringComparison.Ordinal))
            {
                revision = line["revision=".Length..] is { Length: > 0 } r ? r : null;
            }
            else if (line.StartsWith("timestamp=", StringComparison.Ordinal) && long.TryParse(line["timestamp=".Length..], NumberStyles.None, CultureInfo.InvariantCulture, out var t))
            {
                timestamp = t;
            }
        }

        return new Seen(revision, timestamp);
    }

    private static string Format(TimeSpan age) =>
        age.TotalDays >= 1 && age.TotalDays == Math.Floor(age.TotalDays) ? $"{age.TotalDays:0}d"
        : age.TotalHours >= 1 && age.TotalHours == Math.Floor(age.TotalHours) ? $"{age.TotalHours:0}h"
        : age.TotalMinutes >= 1 && age.TotalMinutes == Math.Floor(age.TotalMinutes) ? $"{age.TotalMinutes:0}m"
        : $"{age.TotalSeconds:0}s";

    private static KeelException Stale(string location, string message) =>
        new(ReasonCodes.MetadataStale, location, message, "try another mirror; if the repository really went back, remove its file under the cache's state/ directory");

    private sealed record Seen(string? Revision, long? Timestamp);
}
