using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Keel.Provisioning.Config;

/// <summary>Writes <see cref="CloudNode"/>s as JSON (binary values as "ci-b64:" strings, as `cloud-init query` does) and reads JSON back.</summary>
public static class CloudJson
{
    /// <summary>Prefix cloud-init puts before base64 text of binary values in JSON output.</summary>
    public const string BinaryPrefix = "ci-b64:";

    /// <summary>Serializes <paramref name="node"/> (null writes JSON null).</summary>
    public static string Serialize(CloudNode? node, bool indented = true)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = indented }))
        {
            Write(writer, node);
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>Writes <paramref name="node"/> to <paramref name="writer"/>.</summary>
    public static void Write(Utf8JsonWriter writer, CloudNode? node)
    {
        switch (node)
        {
            case null:
                writer.WriteNullValue();
                break;
            case CloudMap map:
                writer.WriteStartObject();
                foreach (var (key, value) in map.Entries)
                {
                    writer.WritePropertyName(key);
                    Write(writer, value);
                }

                writer.WriteEndObject();
                break;
            case CloudList list:
                writer.WriteStartArray();
                foreach (var item in list.Items)
                {
                    Write(writer, item);
                }

                writer.WriteEndArray();
                break;
            case CloudScalar s:
                WriteScalar(writer, s);
                break;
        }
    }

    private static void WriteScalar(Utf8JsonWriter writer, CloudScalar s)
    {
        switch (s.Kind)
        {
            case ScalarKind.Null:
                writer.WriteNullValue();
                break;
            case ScalarKind.Boolean:
                writer.WriteBooleanValue(s.Text == "true");
                break;
            case ScalarKind.Integer:
                writer.WriteRawValue(s.Text, skipInputValidation: false);
                break;
            case ScalarKind.Float when double.TryParse(s.Text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && double.IsFinite(d):
                writer.WriteNumberValue(d);
                break;
            case ScalarKind.Binary:
                writer.WriteStringValue(BinaryPrefix + s.Text);
                break;
            default:
                writer.WriteStringValue(s.Text);
                break;
        }
    }

    /// <summary>Converts a JSON element to a node (used for JSON-formatted meta-data and tests).</summary>
    public static CloudNode? FromJson(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Object => new CloudMap(element.EnumerateObject().Select(p => new KeyValuePair<string, CloudNode>(p.Name, FromJson(p.Value) ?? new CloudScalar(ScalarKind.Null, "")))),
        JsonValueKind.Array => new CloudList(element.EnumerateArray().Select(e => FromJson(e) ?? new CloudScalar(ScalarKind.Null, "")).ToList()),
        JsonValueKind.String => CloudScalar.Str(element.GetString()!),
        JsonValueKind.Number => new CloudScalar(element.TryGetInt64(out _) ? ScalarKind.Integer : ScalarKind.Float, element.GetRawText()),
        JsonValueKind.True => new CloudScalar(ScalarKind.Boolean, "true"),
        JsonValueKind.False => new CloudScalar(ScalarKind.Boolean, "false"),
        _ => null,
    };

    /// <summary>Structural equality (kind and canonical text for scalars; order matters for maps only in key sets, not order).</summary>
    public static bool DeepEquals(CloudNode? a, CloudNode? b) => (a, b) switch
    {
        (null, null) => true,
        (CloudScalar { IsNull: true }, null) or (null, CloudScalar { IsNull: true }) => true,
        (CloudMap x, CloudMap y) => x.Count == y.Count && x.Entries.All(e => y.ContainsKey(e.Key) && DeepEquals(e.Value, y[e.Key])),
        (CloudList x, CloudList y) => x.Items.Count == y.Items.Count && x.Items.Zip(y.Items).All(p => DeepEquals(p.First, p.Second)),
        (CloudScalar x, CloudScalar y) => x.Kind == y.Kind && x.Text == y.Text,
        _ => false,
    };
}
