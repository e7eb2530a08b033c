using System.Buffers.Binary;
using Keel.Rpm;

namespace Keel.RpmDb;

/// <summary>An installed-package database (rpmdb), read without modifying it or creating files beside it.</summary>
public sealed class RpmDatabase
{
    private static readonly string[] Locations = ["usr/lib/sysimage/rpm", "var/lib/rpm"];

    private RpmDatabase(string path, RpmDbFormat format, IReadOnlyList<InstalledPackage> packages)
    {
        Path = path;
        Format = format;
        Packages = packages;
    }

    /// <summary>The database file that was read.</summary>
    public string Path { get; }

    public RpmDbFormat Format { get; }

    /// <summary>Every installed package in database order, gpg-pubkey entries included (rpm -qa lists them too).</summary>
    public IReadOnlyList<InstalledPackage> Packages { get; }

    /// <summary>
    /// Opens a database given a root directory (looks in usr/lib/sysimage/rpm then var/lib/rpm), an rpm dbpath
    /// directory, or the database file itself.
    /// </summary>
    /// <exception cref="FileNotFoundException">No database was found.</exception>
    /// <exception cref="NotSupportedException">The database is Berkeley DB.</exception>
    /// <exception cref="InvalidDataException">The database or one of its headers is malformed.</exception>
    public static RpmDatabase Open(string rootOrPath)
    {
        ArgumentNullException.ThrowIfNull(rootOrPath);
        var file = Locate(rootOrPath);
        var format = DetectFormat(file);
        var packages = format switch
        {
            RpmDbFormat.Sqlite => SqliteRpmDb.Read(file),
            RpmDbFormat.Ndb => NdbRpmDb.Read(file),
            _ => throw new NotSupportedException($"{file}: Berkeley DB rpmdb (rpm before 4.16) is not supported; convert it with 'rpmdb --rebuilddb' on a current rpm"),
        };
        return new RpmDatabase(file, format, packages);
    }

    /// <summary>Finds the database file for a root, a dbpath directory or a file.</summary>
    public static string Locate(string rootOrPath)
    {
        ArgumentNullException.ThrowIfNull(rootOrPath);
        if (File.Exists(rootOrPath))
        {
            return rootOrPath;
        }

        if (!Directory.Exists(rootOrPath))
        {
            throw new FileNotFoundException($"{rootOrPath}: no such file or directory", rootOrPath);
        }

        var dirs = Locations.Select(l => System.IO.Path.Combine(rootOrPath, l)).Prepend(rootOrPath);
        foreach (var dir in dirs)
        {
            foreach (var name in new[] { "rpmdb.sqlite", "Packages.db", "Packages" })
            {
                var candidate = System.IO.Path.Combine(dir, name);
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }
        }

        throw new FileNotFoundException($"{rootOrPath}: no rpmdb (rpmdb.sqlite, Packages.db or Packages) in it, in usr/lib/sysimage/rpm or in var/lib/rpm", rootOrPath);
    }

    /// <summary>Tells the formats apart by their first bytes.</summary>
    public static RpmDbFormat DetectFormat(string file)
    {
        Span<byte> head = stackalloc byte[16];
        int n;
        using (var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite))
        {
            n = stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        }

        head = head[..n];
        if (head.StartsWith("SQLite format 3\0"u8))
        {
            return RpmDbFormat.Sqlite;
        }

        if (head.StartsWith("RpmP"u8))
        {
            return RpmDbFormat.Ndb;
        }

        // Berkeley DB hash and btree magics sit at offset 12, in either byte order.
        if (n >= 16)
        {
            uint le = BinaryPrimitives.ReadUInt32LittleEndian(head[12..]);
            uint be = BinaryPrimitives.ReadUInt32BigEndian(head[12..]);
            if (le is 0x00061561 or 0x00053162 || be is 0x00061561 or 0x00053162)
            {
                return RpmDbFormat.BerkeleyDb;
            }
        }

        throw new InvalidDataException($"{file}: not an rpmdb (neither SQLite, ndb nor Berkeley DB)");
    }

    internal static InstalledPackage ToInstalled(RpmHeader header, long number)
    {
        var installTime = header.GetNumber(RpmTags.InstallTime);
        return new InstalledPackage(
            header.ToPackageMetadata(),
            installTime is { } t ? DateTimeOffset.FromUnixTimeSeconds(t) : null,
            header,
            number);
    }
}
