using System.Text;
using Keel.Provisioning.Config;

namespace Keel.Provisioning.Modules;

/// <summary>cloud-init's util.shellify: a list of commands as a /bin/sh script (list items single-quoted, strings verbatim).</summary>
public static class Shellify
{
    /// <summary>Renders <paramref name="commands"/>; throws InvalidDataException for entries that are neither strings nor lists.</summary>
    public static string Render(CloudNode commands, string where)
    {
        if (commands is not CloudList list)
        {
            throw new InvalidDataException($"{where} (line {commands.Line}) must be a list of commands, not {commands.TypeName}");
        }

        var sb = new StringBuilder("#!/bin/sh\n");
        foreach (var item in list.Items)
        {
            switch (item)
            {
                case CloudList args:
                    sb.Append(string.Join(' ', args.Items.Select(a => "'" + Text(a).Replace("'", "'\\''", StringComparison.Ordinal) + "'"))).Append('\n');
                    break;
                case CloudScalar { IsNull: true }:
                    break;
                case CloudScalar { Kind: ScalarKind.String } s:
                    sb.Append(s.Text).Append('\n');
                    break;
                default:
                    throw new InvalidDataException($"{where} (line {item.Line}): a command must be a string or a list, not {item.TypeName}");
            }
        }

        return sb.ToString();
    }

    // Python's str() of YAML scalars inside an argument list.
    private static string Text(CloudNode node) => node switch
    {
        CloudScalar { Kind: ScalarKind.Boolean } b => b.Text == "true" ? "True" : "False",
        CloudScalar { IsNull: true } => "None",
        CloudScalar s => s.Text,
        _ => throw new InvalidDataException($"line {node.Line}: command arguments must be scalars"),
    };
}
