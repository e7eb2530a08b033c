using System.Text.Json;
using Json.Schema;
using Keel.Tests;

namespace Keel.Sbom.Tests;

/// <summary>Validates documents against the official schemas vendored under schemas/ (SOURCES.md), never fetched.</summary>
internal sealed class SchemaValidator
{
    private readonly JsonSchema _schema;

    private SchemaValidator(JsonSchema schema) => _schema = schema;

    public static string SchemaDir { get; } = Path.Combine(AppContext.BaseDirectory, "schemas");

    /// <summary>SPDX 2.3 (spdx/spdx-spec, schemas/spdx-schema.json at tag v2.3).</summary>
    public static SchemaValidator Spdx23() => Load("spdx-schema.json");

    /// <summary>CycloneDX 1.6 (bom-1.6.schema.json with the spdx and jsf schemas it refers to).</summary>
    public static SchemaValidator CycloneDx16() => Load("bom-1.6.schema.json", "spdx.schema.json", "jsf-0.82.schema.json");

    /// <summary>The validation errors, one "instance location: message" per line; empty when valid.</summary>
    public IReadOnlyList<string> Errors(byte[] document)
    {
        using var doc = JsonDocument.Parse(document);
        var result = _schema.Evaluate(doc.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List, RequireFormatValidation = true });
        if (result.IsValid)
        {
            return [];
        }

        var errors = (result.Details ?? [])
            .Where(d => d.Errors is { Count: > 0 })
            .SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Key}: {e.Value}"))
            .ToList();
        return errors.Count > 0 ? errors : ["invalid (no details)"];
    }

    private static SchemaValidator Load(string main, params string[] referenced)
    {
        // A registry of its own, and no fetching: every $ref must resolve to a vendored file.
        var registry = new SchemaRegistry { Fetch = (uri, _) => throw new InvalidOperationException($"schema {uri} is not vendored") };
        var options = new BuildOptions { SchemaRegistry = registry };
        foreach (var r in referenced)
        {
            JsonSchema.FromText(File.ReadAllText(Path.Combine(SchemaDir, r)), options);
        }

        return new SchemaValidator(JsonSchema.FromText(File.ReadAllText(Path.Combine(SchemaDir, main)), options));
    }
}
