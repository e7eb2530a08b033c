namespace Keel.Config.Loading;

/// <summary>The keel/v1 JSON Schema (schemas/keel-v1.schema.json), embedded for editors and `keel config schema`.</summary>
public static class ConfigSchema
{
    /// <summary>The schema's text.</summary>
    public static string Read()
    {
        using var stream = typeof(ConfigSchema).Assembly.GetManifestResourceStream("keel-v1.schema.json")
            ?? throw new InvalidOperationException("the keel-v1 schema is not embedded in Keel.Config");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
