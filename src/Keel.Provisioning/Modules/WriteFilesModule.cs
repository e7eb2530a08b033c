using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Keel.Errors;
using Keel.Provisioning.Config;
using Keel.Provisioning.Engine;
using Keel.TargetSystem;

namespace Keel.Provisioning.Modules;

/// <summary>
/// cloud-init's write_files (entries without defer, init stage) and write_files_deferred (entries with defer: true, final
/// stage, after users exist). Encodings b64/base64, gz/gzip and their combinations; owner "user:group" resolved in the
/// target root; permissions as an octal string or an integer; append. An append is journalled before the file is
/// replaced, so a run killed after the rename does not append twice on the next boot.
/// </summary>
/// <param name="deferred">True for write_files_deferred, false for write_files.</param>
public sealed class WriteFilesModule(bool deferred)
    : CloudConfigModule(deferred ? "write_files_deferred" : "write_files", Frequency.PerInstance, deferred ? Stage.Final : Stage.Init)
{
    private const UnixFileMode DefaultMode = (UnixFileMode)0x1a4; // 0644
    private readonly bool _deferred = deferred;

    /// <inheritdoc />
    public override ModuleOutcome Run(ModuleContext context)
    {
        var files = ConfigValues.List(context.Config, "write_files", Name);
        if (files is null || files.Items.Count == 0)
        {
            return ModuleOutcome.NothingToDo;
        }

        var errors = new List<string>();
        var journal = new AppendJournal(context.Root, $"{context.Paths.InstanceSemDir}/{Name}.appended");
        for (var i = 0; i < files.Items.Count; i++)
        {
            if (files.Items[i] is not CloudMap entry)
            {
                errors.Add($"write_files.{i} (line {files.Items[i].Line}): must be a mapping");
                continue;
            }

            if (entry.GetBool("defer", false) != _deferred)
            {
                continue;
            }

            try
            {
                WriteOne(context, entry, i, journal);
            }
            catch (Exception ex) when (ModuleFailures.IsExpected(ex))
            {
                errors.Add(ex.Message.StartsWith("write_files.", StringComparison.Ordinal) ? ex.Message : $"write_files.{i}: {ex.Message}");
            }
        }

        if (errors.Count > 0)
        {
            throw new InvalidDataException(string.Join("; ", errors));
        }

        return ModuleOutcome.Done;
    }

    private static void WriteOne(ModuleContext context, CloudMap entry, int index, AppendJournal journal)
    {
        var where = $"write_files.{index}";
        var path = ConfigValues.Text(entry, "path", where);
        if (string.IsNullOrEmpty(path))
        {
            context.Warnings.Add(new(Severity.Warning, where, "no path given; entry skipped"));
            return;
        }

        TargetRoot.CheckConfigPath(path, where);
        var content = Decode(entry["content"], ConfigValues.Text(entry, "encoding", where), where, context);
        var mode = DecodeMode(entry["permissions"], where, context);
        var (uid, gid) = ResolveOwner(context, ConfigValues.Text(entry, "owner", where) ?? "root:root", where);

        if (entry.GetBool("append", false))
        {
            var existing = context.Root.ReadAllBytesOrNull(path) ?? [];
            if (journal.AlreadyApplied(index, existing))
            {
                return;
            }

            var combined = new byte[existing.Length + content.Length];
            existing.CopyTo(combined, 0);
            content.CopyTo(combined, existing.Length);
            journal.Record(index, combined);
            context.Root.WriteFile(path, combined, mode, uid, gid);
        }
        else
        {
            context.Root.WriteFile(path, content, mode, uid, gid);
        }

        context.Log.WriteLine($"write_files: wrote {path}");
    }

    internal static byte[] Decode(CloudNode? contentNode, string? encoding, string where, ModuleContext? context)
    {
        var raw = contentNode switch
        {
            null or CloudScalar { IsNull: true } => [],
            CloudScalar s => s.GetBytes(),
            _ => throw new InvalidDataException($"{where}: 'content' (line {contentNode.Line}) must be a string, not {contentNode.TypeName}"),
        };

        var steps = (encoding ?? "text/plain").Trim().ToLowerInvariant() switch
        {
            "gz" or "gzip" => new[] { "gzip" },
            "gz+base64" or "gzip+base64" or "gz+b64" or "gzip+b64" => ["base64", "gzip"],
            "b64" or "base64" => ["base64"],
            "text/plain" => [],
            var other => Unknown(other),
        };

        foreach (var step in steps)
        {
            raw = step == "base64" ? FromBase64(raw, where) : Gunzip(raw, where);
        }

        return raw;

        string[] Unknown(string enc)
        {
            context?.Warnings.Add(new(Severity.Warning, where, $"unknown encoding '{enc}', assuming text/plain"));
            return [];
        }
    }

    private static byte[] FromBase64(byte[] data, string where)
    {
        var text = string.Concat(Encoding.ASCII.GetString(data).Where(c => char.IsAsciiLetterOrDigit(c) || c is '+' or '/' or '='));
        try
        {
            return Convert.FromBase64String(text);
        }
        catch (FormatException)
        {
            throw new InvalidDataException($"{where}: content is not valid base64");
        }
    }

    private static byte[] Gunzip(byte[] data, string where)
    {
        try
        {
            return UserData.UserDataProcessor.Gunzip(data, where);
        }
        catch (InvalidDataException ex)
        {
            throw new InvalidDataException($"{where}: content is not valid gzip ({ex.Message})", ex);
        }
    }

    /// <summary>cloud-init's decode_perms: integers as they are, strings as octal; undecodable falls back to 0644 with a warning.</summary>
    internal static UnixFileMode DecodeMode(CloudNode? node, string where, ModuleContext? context)
    {
        switch (node)
        {
            case null or CloudScalar { IsNull: true }:
                return DefaultMode;
            case CloudScalar { Kind: ScalarKind.Integer } i when int.TryParse(i.Text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n is >= 0 and <= 0xfff:
                return (UnixFileMode)n;
            case CloudScalar { Kind: ScalarKind.String } s:
                var text = s.Text.Trim();
                if (text.StartsWith("0o", StringComparison.OrdinalIgnoreCase))
                {
                    text = text[2..];
                }

                if (text.Length is > 0 and <= 6 && text.All(c => c is >= '0' and <= '7'))
                {
                    var value = Convert.ToInt32(text, 8);
                    if (value <= 0xfff)
                    {
                        return (UnixFileMode)value;
                    }
                }

                break;
        }

        context?.Warnings.Add(new(Severity.Warning, where, $"undecodable permissions '{(node as CloudScalar)?.Text}', using 0644"));
        return DefaultMode;
    }

    /// <summary>Resolves "user:group" (or "user") against the target root's account files.</summary>
    internal static (int Uid, int Gid) ResolveOwner(ModuleContext context, string owner, string where)
    {
        var parts = owner.Split(':', 2);
        var userName = parts[0].Trim();
        var groupName = parts.Length > 1 ? parts[1].Trim() : null;
        var db = context.LoadAccounts();
        var uid = userName.Length == 0 ? -1 : db.FindUser(userName)?.Uid ?? throw new InvalidDataException($"{where}: owner user '{userName}' does not exist in the target root");
        var gid = string.IsNullOrEmpty(groupName) ? -1 : db.FindGroup(groupName) ?? throw new InvalidDataException($"{where}: owner group '{groupName}' does not exist in the target root");
        return (uid, gid);
    }

    /// <summary>Records the expected result of each append before it happens, so a repeat can tell it already landed.</summary>
    private sealed class AppendJournal(TargetRoot root, string path)
    {
        private Dictionary<int, string>? _entries;

        public bool AlreadyApplied(int index, byte[] current) =>
            Load().TryGetValue(index, out var expected) && expected == Hash(current);

        public void Record(int index, byte[] result)
        {
            Load()[index] = Hash(result);
            var text = string.Concat(_entries!.Select(e => $"{e.Key.ToString(CultureInfo.InvariantCulture)} {e.Value}\n"));
            root.WriteText(path, text, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        private Dictionary<int, string> Load()
        {
            if (_entries is not null)
            {
                return _entries;
            }

            _entries = [];
            foreach (var line in (root.ReadAllTextOrNull(path) ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                var f = line.Split(' ');
                if (f.Length == 2 && int.TryParse(f[0], NumberStyles.None, CultureInfo.InvariantCulture, out var i))
                {
                    _entries[i] = f[1];
                }
            }

            return _entries;
        }

        private static string Hash(byte[] data) => Convert.ToHexStringLower(SHA256.HashData(data));
    }
}
