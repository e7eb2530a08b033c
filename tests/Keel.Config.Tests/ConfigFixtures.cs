using Keel.Config.Loading;
using Keel.Config.Presets;
using Keel.Errors;
using Keel.Tests;

namespace Keel.Config.Tests;

/// <summary>Helpers: the repository's presets and examples, and in-memory configs.</summary>
internal static class ConfigFixtures
{
    /// <summary>The production presets and the fixture distribution's, read where they are defined in the repository.</summary>
    public static PresetCatalog Catalog() => new([Path.Combine(TestPaths.RepoRoot, "presets"), PresetsWithFixture()]);

    public static string Examples => Path.Combine(TestPaths.RepoRoot, "examples");

    public static LoadedConfig Parse(string yaml, out List<ConfigDiagnostic> diagnostics)
    {
        var result = ConfigLoader.Parse(yaml, "test.yaml", TestPaths.RepoRoot);
        diagnostics = result.Diagnostics;
        if (result.Config is not null)
        {
            diagnostics.AddRange(Validation.ConfigValidator.Validate(result.Config, Catalog()));
        }

        return result.Config!;
    }

    public static List<ConfigDiagnostic> Errors(string yaml)
    {
        Parse(yaml, out var diagnostics);
        return diagnostics.Where(d => d.Severity == Severity.Error).ToList();
    }

    // The fixture presets live in tests/fixture-distro/presets (no distribution folder); the build output links them as presets/fixture.
    private static string PresetsWithFixture() => Path.Combine(AppContext.BaseDirectory, "presets");
}
