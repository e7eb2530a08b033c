using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Keel.Rpm;
using Keel.RpmDb;

namespace Keel.Validation;

/// <summary>
/// No packaged file changed: what <c>rpm -Va --nomtime</c> checks (size, digest, mode, owner, group, symlink target,
/// device number, presence), with rpm's rules for which attributes apply to which file type, its skipping of %ghost,
/// not-installed and netshared files, and %verify flags. Changed %config files are WARN lines, anything else a FAIL.
/// </summary>
/// <remarks>
/// Modification times are not compared: a reproducible build clamps them, and they prove nothing a digest does not.
/// File capabilities (rpm's P) are not compared either. Paths are resolved inside the root only (<see cref="ConfinedRoot"/>).
/// </remarks>
internal static class FileIntegrityCheck
{
    public const string Id = "files";
    public const string ConfigId = "files.config";

    // rpm's RPMVERIFY_* bits.
    private const int VerifyDigest = 1 << 0;
    private const int VerifySize = 1 << 1;
    private const int VerifyLinkTo = 1 << 2;
    private const int VerifyUser = 1 << 3;
    private const int VerifyGroup = 1 << 4;
    private const int VerifyMode = 1 << 6;
    private const int VerifyRdev = 1 << 7;
    private const int VerifyAll = VerifyDigest | VerifySize | VerifyLinkTo | VerifyUser | VerifyGroup | VerifyMode | VerifyRdev;
    private const int FileStates = 1029;
    private const int FileVerifyFlags = 1045;
    private const int FlagMissingOk = 8;

    // rpm's file states: normal, replaced, not installed, netshared, wrong color.
    private const int StateReplaced = 1;
    private const int StateNotInstalled = 2;
    private const int StateNetShared = 3;
    private const int StateWrongColor = 4;

    public static IEnumerable<ValidationResult> Run(IReadOnlyList<InstalledPackage> packages, ConfinedRoot root, RootAccounts accounts)
    {
        var perPackage = new List<ValidationResult>[packages.Count];
        var counts = new int[packages.Count];
        // Hashing dominates; packages are independent, so they are verified in parallel and reported in rpmdb order. The
        // largest go first, one at a time per worker, so a kernel does not land last on one core while the other idles.
        var largestFirst = Enumerable.Range(0, packages.Count).OrderByDescending(i => packages[i].Metadata.InstalledSize).ToArray();
        Parallel.ForEach(Partitioner.Create(largestFirst, EnumerablePartitionerOptions.NoBuffering), i =>
        {
            var found = new List<ValidationResult>();
            counts[i] = VerifyPackage(packages[i], root, accounts, found);
            perPackage[i] = found;
        });

        var results = perPackage.SelectMany(r => r).ToList();
        int fails = results.Count(r => r.Status == ValidationStatus.Fail);
        if (fails == 0)
        {
            results.Insert(0, new ValidationResult(Id, ValidationStatus.Pass, string.Empty, $"{counts.Sum()} files of {packages.Count(p => p.Metadata.Name != "gpg-pubkey")} packages as packaged"));
        }

        if (results.All(r => r.Check != ConfigId))
        {
            results.Add(new ValidationResult(ConfigId, ValidationStatus.Pass, string.Empty, "no configuration file changed"));
        }

        return results;
    }

    private static int VerifyPackage(InstalledPackage package, ConfinedRoot root, RootAccounts accounts, List<ValidationResult> found)
    {
        var header = package.Header;
        var files = header.GetFiles();
        var states = header.GetNumbers(FileStates);
        var verifyFlags = header.GetNumbers(FileVerifyFlags);
        var rdevs = header.GetNumbers(RpmTags.FileRdevs);
        int algorithm = header.GetFileDigestAlgorithm();
        int checkedFiles = 0;
        for (int i = 0; i < files.Count; i++)
        {
            var file = files[i];
            if (file.IsGhost)
            {
                continue;
            }

            int state = i < states.Count ? (int)states[i] : 0;
            if (state is StateNotInstalled or StateNetShared)
            {
                continue;
            }

            int flags = i < verifyFlags.Count ? (int)verifyFlags[i] & VerifyAll : VerifyAll;
            if (state == StateReplaced)
            {
                flags = 0;
            }
            else if (state == StateWrongColor)
            {
                flags &= ~(VerifyDigest | VerifySize | VerifyRdev);
            }

            checkedFiles++;
            var problem = VerifyFile(file, flags, i < rdevs.Count ? rdevs[i] : 0, algorithm, root, accounts);
            if (problem is null)
            {
                continue;
            }

            bool config = (file.Flags & RpmFileInfo.FlagConfig) != 0;
            if (problem == Missing && (file.Flags & FlagMissingOk) != 0)
            {
                continue;
            }

            found.Add(new ValidationResult(
                config ? ConfigId : Id,
                config ? ValidationStatus.Warn : ValidationStatus.Fail,
                file.Path,
                $"{problem} ({package.Metadata.Nevra})"));
        }

        return checkedFiles;
    }

    private const string Missing = "missing";

    /// <summary>Null when the file is as packaged; otherwise rpm's attribute string and what changed.</summary>
    private static string? VerifyFile(RpmFileInfo file, int flags, long rdev, int algorithm, ConfinedRoot root, RootAccounts accounts)
    {
        var stat = root.LStat(file.Path);
        if (stat is not { } sb)
        {
            return Missing;
        }

        // As rpm: the type found on disk decides which attributes mean something.
        if (sb.IsDirectory)
        {
            flags &= ~(VerifyDigest | VerifySize | VerifyLinkTo);
        }
        else if (sb.IsSymlink)
        {
            flags &= ~(VerifyDigest | VerifySize | VerifyMode);
        }
        else if (sb.Type is 0x1000 or 0x2000 or 0x6000 or 0xc000)
        {
            flags &= ~(VerifyDigest | VerifySize | VerifyLinkTo);
        }
        else
        {
            flags &= ~VerifyLinkTo;
        }

        int changed = 0;
        bool unreadable = false;
        if ((flags & VerifyDigest) != 0 && file.Digest.Length > 0)
        {
            var digest = Digest(root, file.Path, algorithm);
            if (digest is null)
            {
                unreadable = true;
            }
            else if (!string.Equals(digest, file.Digest, StringComparison.OrdinalIgnoreCase))
            {
                changed |= VerifyDigest;
            }
        }

        if ((flags & VerifyLinkTo) != 0 && root.ReadLink(file.Path) != file.LinkTo)
        {
            changed |= VerifyLinkTo;
        }

        if ((flags & VerifySize) != 0 && sb.Size != file.Size)
        {
            changed |= VerifySize;
        }

        if ((flags & VerifyMode) != 0 && (sb.Mode & 0xffff) != (file.Mode & 0xffff))
        {
            changed |= VerifyMode;
        }

        if ((flags & VerifyRdev) != 0)
        {
            bool packagedDevice = (file.Mode & 0xf000) is 0x2000 or 0x6000;
            bool diskDevice = sb.Type is 0x2000 or 0x6000;
            if ((file.Mode & 0xf000) is 0x2000 or 0x6000 || diskDevice)
            {
                long onDisk = (long)(((sb.Rdev >> 32) << 8) | (sb.Rdev & 0xff));
                if (packagedDevice != diskDevice || (file.Mode & 0xf000) != sb.Type || (onDisk & 0xffff) != (rdev & 0xffff))
                {
                    changed |= VerifyRdev;
                }
            }
        }

        if ((flags & VerifyUser) != 0 && accounts.UserName(sb.Uid) != file.User)
        {
            changed |= VerifyUser;
        }

        if ((flags & VerifyGroup) != 0 && accounts.GroupName(sb.Gid) != file.Group)
        {
            changed |= VerifyGroup;
        }

        if (changed == 0 && !unreadable)
        {
            return null;
        }

        return $"{Attributes(changed, unreadable)} {Describe(changed, unreadable, file, sb, root, accounts)}";
    }

    /// <summary>rpm -V's column: S M 5 D L U G T P, '.' for unchanged, '?' for the digest of an unreadable file.</summary>
    internal static string Attributes(int changed, bool unreadable)
    {
        var sb = new StringBuilder(9);
        sb.Append((changed & VerifySize) != 0 ? 'S' : '.');
        sb.Append((changed & VerifyMode) != 0 ? 'M' : '.');
        sb.Append(unreadable ? '?' : (changed & VerifyDigest) != 0 ? '5' : '.');
        sb.Append((changed & VerifyRdev) != 0 ? 'D' : '.');
        sb.Append((changed & VerifyLinkTo) != 0 ? 'L' : '.');
        sb.Append((changed & VerifyUser) != 0 ? 'U' : '.');
        sb.Append((changed & VerifyGroup) != 0 ? 'G' : '.');
        sb.Append("..");
        return sb.ToString();
    }

    private static string Describe(int changed, bool unreadable, RpmFileInfo file, UnixStat sb, ConfinedRoot root, RootAccounts accounts)
    {
        var parts = new List<string>();
        if ((changed & VerifySize) != 0)
        {
            parts.Add($"size {sb.Size}, packaged {file.Size}");
        }

        if ((changed & VerifyMode) != 0)
        {
            parts.Add($"mode {Convert.ToString(sb.Mode, 8)}, packaged {Convert.ToString(file.Mode & 0xffff, 8)}");
        }

        if ((changed & VerifyDigest) != 0)
        {
            parts.Add("digest changed");
        }

        if (unreadable)
        {
            parts.Add("cannot be read");
        }

        if ((changed & VerifyRdev) != 0)
        {
            parts.Add("device number changed");
        }

        if ((changed & VerifyLinkTo) != 0)
        {
            parts.Add($"link to '{root.ReadLink(file.Path) ?? "(not a symlink)"}', packaged '{file.LinkTo}'");
        }

        if ((changed & VerifyUser) != 0)
        {
            parts.Add($"owner {accounts.UserName(sb.Uid) ?? sb.Uid.ToString(System.Globalization.CultureInfo.InvariantCulture)}, packaged {file.User}");
        }

        if ((changed & VerifyGroup) != 0)
        {
            parts.Add($"group {accounts.GroupName(sb.Gid) ?? sb.Gid.ToString(System.Globalization.CultureInfo.InvariantCulture)}, packaged {file.Group}");
        }

        return string.Join(", ", parts);
    }

    private static string? Digest(ConfinedRoot root, string path, int algorithm)
    {
        var name = FileDigest.Algorithm(algorithm);
        if (name is null)
        {
            return null;
        }

        using var handle = root.OpenHandle(path);
        if (handle is null)
        {
            return null;
        }

        using var hash = IncrementalHash.CreateHash(name.Value);
        var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(1 << 17);
        try
        {
            long offset = 0;
            int n;
            while ((n = RandomAccess.Read(handle, buffer, offset)) > 0)
            {
                hash.AppendData(buffer, 0, n);
                offset += n;
            }
        }
        catch (IOException)
        {
            return null;
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }
}
