namespace Keel.Config.Loading;

/// <summary>The keel/v1 JSON Schemas (schemas/keel-v1*.schema.json), embedded for editors and `keel config schema`.</summary>
public static class ConfigSchema
{
    /// <summary>The machine schema's text.</summary>
    public static string Read() => ReadResource("keel-v1.schema.json");

    /// <summary>The medium (`kind: Medium`) schema's text.</summary>
    public static string ReadMedium() => ReadResource("keel-v1-medium.schema.json");

    private static string ReadResource(string name)
    {
        using var stream = typeof(ConfigSchema).Assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"the schema {name} is not embedded in Keel.Config");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
