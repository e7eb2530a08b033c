using System.Text;
using System.Text.RegularExpressions;
using Keel.Provisioning.Config;
using Keel.Provisioning.Engine;

namespace Keel.Provisioning.Modules;

/// <summary>
/// cloud-init's rsyslog (init stage, per instance): <c>configs</c> (strings, or content with a filename) written to
/// <c>config_dir</c> (default /etc/rsyslog.d) as <c>config_filename</c> (default 20-cloud-config.conf), the first entry
/// for a file truncating it and later ones appending; <c>remotes</c> rendered as cloud-init renders them (one forwarding
/// line each between "# begin remotes" and "# end remotes"); then, on the machine itself, rsyslog reloaded
/// (<c>service_reload_command</c>, default systemctl reload-or-try-restart rsyslog). A target root is not reloaded: its
/// rsyslog reads the files when it starts.
/// </summary>
public sealed partial class RsyslogModule() : CloudConfigModule("rsyslog", Frequency.PerInstance, Stage.Init)
{
    /// <summary>cloud-init's default directory for the files.</summary>
    public const string DefaultDir = "/etc/rsyslog.d";

    /// <summary>cloud-init's default file name.</summary>
    public const string DefaultFileName = "20-cloud-config.conf";

    /// <inheritdoc />
    public override ModuleOutcome Run(ModuleContext context)
    {
        var value = context.Config["rsyslog"];
        if (value is null or CloudScalar { IsNull: true })
        {
            return ModuleOutcome.NothingToDo;
        }

        CloudMap config;
        string dirKey = "config_dir", fileKey = "config_filename";
        CloudMap dirSource, fileSource;
        List<CloudNode> configs;
        if (value is CloudList legacy)
        {
            // cloud-init still reads the old top-level list, with rsyslog_dir and rsyslog_filename beside it.
            context.Warnings.Add(new(Keel.Errors.Severity.Warning, "rsyslog", "deprecated list format: use rsyslog.configs"));
            config = CloudMap.Empty;
            configs = [.. legacy.Items];
            (dirSource, dirKey, fileSource, fileKey) = (context.Config, "rsyslog_dir", context.Config, "rsyslog_filename");
        }
        else
        {
            config = value as CloudMap ?? throw ConfigValues.WrongType(Name, "rsyslog", value, "a mapping");
            configs = [.. ConfigValues.List(config, "configs", Name)?.Items ?? []];
            (dirSource, fileSource) = (config, config);
        }

        var dir = ConfigValues.Text(dirSource, dirKey, Name) ?? DefaultDir;
        var defaultFile = ConfigValues.Text(fileSource, fileKey, Name) ?? DefaultFileName;
        if (ConfigValues.Map(config, "remotes", Name) is { Count: > 0 } remotes)
        {
            configs.Add(new CloudScalar(ScalarKind.String, RenderRemotes(remotes, context)));
        }

        if (configs.Count == 0)
        {
            return ModuleOutcome.NothingToDo;
        }

        // Files in the order first seen; each first entry truncates it, later ones append: the result is the concatenation.
        var files = new List<(string Path, StringBuilder Content)>();
        foreach (var (entry, i) in configs.Select((e, i) => (e, i)))
        {
            string content;
            string fileName;
            switch (entry)
            {
                case CloudMap map:
                    if (map["content"] is null)
                    {
                        context.Warnings.Add(new(Keel.Errors.Severity.Warning, $"rsyslog.configs.{i}", "no 'content'; entry skipped"));
                        continue;
                    }

                    content = ConfigValues.Text(map, "content", Name) ?? "";
                    fileName = ConfigValues.Text(map, "filename", Name) ?? defaultFile;
                    break;
                case CloudScalar s:
                    content = s.Text;
                    fileName = defaultFile;
                    break;
                default:
                    throw new InvalidDataException($"rsyslog.configs.{i} (line {entry.Line}): must be a string or a mapping with content");
            }

            fileName = fileName.Trim();
            if (fileName.Length == 0)
            {
                context.Warnings.Add(new(Keel.Errors.Severity.Warning, $"rsyslog.configs.{i}", "empty filename; entry skipped"));
                continue;
            }

            // os.path.join: an absolute file name replaces the directory.
            var path = ConfigPathCheck.Absolute(fileName.StartsWith('/') ? fileName : dir.TrimEnd('/') + "/" + fileName, $"rsyslog.configs.{i}");
            var file = files.FirstOrDefault(f => f.Path == path);
            if (file.Content is null)
            {
                file = (path, new StringBuilder());
                files.Add(file);
            }

            file.Content.Append(content);
            if (!content.EndsWith('\n'))
            {
                file.Content.Append('\n');
            }
        }

        if (files.Count == 0)
        {
            return ModuleOutcome.NothingToDo;
        }

        foreach (var (path, content) in files)
        {
            context.Root.WriteText(path, content.ToString(), (UnixFileMode)0x1a4);
        }

        context.Log.WriteLine($"rsyslog: wrote {string.Join(", ", files.Select(f => f.Path))}");
        if (!context.Root.IsHostRoot)
        {
            context.Log.WriteLine("rsyslog: not reloaded in a target root (rsyslog reads the files when it starts)");
            return ModuleOutcome.Done;
        }

        Reload(context, config["service_reload_command"]);
        return ModuleOutcome.Done;
    }

    /// <summary>The remotes block cloud-init 22.4.2 appends to the configs (its markers even when every entry is left out).</summary>
    public static string RenderRemotes(CloudMap remotes, ModuleContext? context = null)
    {
        var lines = new List<string> { "# begin remotes" };
        foreach (var (name, node) in remotes.Entries)
        {
            if (node is CloudScalar { IsNull: true } || node is CloudScalar { Text: "" })
            {
                continue;
            }

            var line = (node as CloudScalar)?.Text ?? throw new InvalidDataException($"rsyslog.remotes.{name} (line {node.Line}): must be a string");
            if (node is CloudScalar { Kind: ScalarKind.Boolean, Text: "false" })
            {
                continue;
            }

            if (ParseRemote(line, name) is { } parsed)
            {
                lines.Add(parsed);
            }
            else
            {
                context?.Warnings.Add(new(Keel.Errors.Severity.Warning, $"rsyslog.remotes.{name}", $"failed loading remote: {line}; left out"));
            }
        }

        lines.Add("# end remotes");
        return string.Join('\n', lines) + "\n";
    }

    /// <summary>One remotes entry as cloud-init's parse_remotes_line and SyslogRemotesLine render it, or null when it is invalid.</summary>
    public static string? ParseRemote(string line, string? name)
    {
        // COMMENT_RE.split: exactly one "#" run splits data from comment; none or several leave the line whole.
        string data;
        string? comment = null;
        var parts = CommentSeparator().Split(line);
        if (parts.Length == 2)
        {
            (data, comment) = (parts[0], parts[1].Trim());
        }
        else
        {
            data = line;
        }

        var tokens = data.Split([' ', '\t', '\n', '\r', '\f', '\v'], StringSplitOptions.RemoveEmptyEntries);
        string? match = null;
        string hostPort;
        if (tokens.Length == 1)
        {
            hostPort = data;
        }
        else if (tokens.Length == 2)
        {
            (match, hostPort) = (tokens[0], tokens[1]);
        }
        else
        {
            return null;
        }

        var m = HostPort().Match(hostPort);
        if (!m.Success)
        {
            return null;
        }

        var addr = m.Groups["addr"].Success && m.Groups["addr"].Value.Length > 0 ? m.Groups["addr"].Value : m.Groups["bracket_addr"].Success ? m.Groups["bracket_addr"].Value : "";
        if (addr.Length == 0 || (addr.StartsWith('[') && !addr.EndsWith(']')))
        {
            return null;
        }

        if (!string.IsNullOrEmpty(comment) && string.IsNullOrEmpty(name))
        {
            name = comment;
        }

        var proto = m.Groups["proto"].Value;
        var sb = new StringBuilder(string.IsNullOrEmpty(match) ? "*.*" : match).Append(' ');
        sb.Append(proto == "@@" ? "@@" : "@");
        sb.Append(addr.Contains(':') ? "[" + addr + "]" : addr);

        // int(port): leading zeros go, and port 0 is "no port" as in Python's truth test.
        if (m.Groups["port"].Success && int.TryParse(m.Groups["port"].Value, out var port) && port != 0)
        {
            sb.Append(':').Append(port);
        }

        if (!string.IsNullOrEmpty(name))
        {
            sb.Append(" # ").Append(name);
        }

        return sb.ToString();
    }

    private void Reload(ModuleContext context, CloudNode? command)
    {
        List<string> argv = command switch
        {
            null or CloudScalar { IsNull: true } or CloudScalar { Text: "auto" } => ["systemctl", "reload-or-try-restart", "rsyslog"],
            CloudList l => l.Items.Select(i => (i as CloudScalar)?.Text ?? throw new InvalidDataException($"rsyslog.service_reload_command (line {i.Line}): arguments must be strings")).ToList(),
            var other => throw ConfigValues.WrongType(Name, "service_reload_command", other, "'auto' or a list of arguments"),
        };
        if (argv.Count == 0)
        {
            throw new InvalidDataException("rsyslog.service_reload_command: an empty list");
        }

        try
        {
            RootCommand.Run(context, argv);
        }
        catch (IOException e)
        {
            // As cloud-init: the files are written; a failed reload is a warning.
            context.Warnings.Add(new(Keel.Errors.Severity.Warning, "rsyslog", "failed to reload syslog: " + e.Message));
        }
    }

    [GeneratedRegex("[ ]*[#]+[ ]*")]
    private static partial Regex CommentSeparator();

    [GeneratedRegex(@"^(?<proto>[@]{0,2})(([\[](?<bracket_addr>[^\]]*)[\]])|(?<addr>[^:]*))([:](?<port>[0-9]+))?$")]
    private static partial Regex HostPort();
}
