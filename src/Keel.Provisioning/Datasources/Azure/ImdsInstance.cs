using System.Text.Json;

namespace Keel.Provisioning.Datasources.Azure;

/// <summary>What keel-agent uses from IMDS /metadata/instance: identity, host name, admin user, keys and the data blobs.</summary>
public sealed record ImdsInstance(
    string VmId,
    string? ComputerName,
    string? AdminUsername,
    bool? DisablePasswordAuthentication,
    IReadOnlyList<string> PublicKeys,
    string? CustomData,
    string? UserData)
{
    /// <summary>Parses an IMDS instance document; throws InvalidDataException naming <paramref name="source"/>.</summary>
    public static ImdsInstance Parse(string json, string source)
    {
        try
        {
            using var doc = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 64 });
            if (doc.RootElement.ValueKind != JsonValueKind.Object || !doc.RootElement.TryGetProperty("compute", out var compute) || compute.ValueKind != JsonValueKind.Object)
            {
                throw new InvalidDataException($"{source}: IMDS instance document has no 'compute' object");
            }

            var vmId = Text(compute, "vmId") is { Length: > 0 } id ? id : throw new InvalidDataException($"{source}: IMDS compute.vmId is missing");
            var os = compute.TryGetProperty("osProfile", out var p) && p.ValueKind == JsonValueKind.Object ? p : default;
            var keys = new List<string>();
            if (compute.TryGetProperty("publicKeys", out var pk) && pk.ValueKind == JsonValueKind.Array)
            {
                foreach (var key in pk.EnumerateArray())
                {
                    if (key.ValueKind == JsonValueKind.Object && Text(key, "keyData") is { } data && data.Trim().Length > 0)
                    {
                        keys.Add(data.Trim());
                    }
                }
            }

            bool? disable = os.ValueKind == JsonValueKind.Object && Text(os, "disablePasswordAuthentication") is { } d && bool.TryParse(d, out var b) ? b : null;
            return new ImdsInstance(
                vmId,
                NonEmpty(os.ValueKind == JsonValueKind.Object ? Text(os, "computerName") : null) ?? NonEmpty(Text(compute, "name")),
                NonEmpty(os.ValueKind == JsonValueKind.Object ? Text(os, "adminUsername") : null),
                disable,
                keys,
                NonEmpty(Text(compute, "customData")),
                NonEmpty(Text(compute, "userData")));
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"{source}: malformed IMDS JSON: {ex.Message}", ex);
        }
    }

    private static string? NonEmpty(string? s) => string.IsNullOrWhiteSpace(s) ? null : s;

    private static string? Text(JsonElement obj, string name) =>
        obj.TryGetProperty(name, out var v) ? v.ValueKind switch
        {
            JsonValueKind.String => v.GetString(),
            JsonValueKind.True => "true",
            JsonValueKind.False => "false",
            _ => null,
        } : null;
}
