using Keel.Config.Loading;
using Keel.Config.Presets;
using Keel.Config.Validation;
using Keel.Errors;
using Keel.Installer.Api;
using Keel.Installer.Service.Regional;
using Keel.Tests;

namespace Keel.Installer.Service.Tests.Regional;

public sealed class RegionalChoicesTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("keel-regional-test-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    // The errors the config validator reports for locale, keyboard and timezone when the three are put into a real config.
    private static List<string> ValidatorErrors(string locale, string keyboard, string timezone)
    {
        var yaml = File.ReadAllText(Path.Combine(TestPaths.RepoRoot, "examples", "azurelinux-4.0", "container-host.yaml"))
            + $"\nlocale: \"{locale}\"\nkeyboard: \"{keyboard}\"\ntimezone: \"{timezone}\"\n";
        var loaded = ConfigLoader.Parse(yaml, "test.yaml", TestPaths.RepoRoot);
        Assert.NotNull(loaded.Config);
        var diagnostics = loaded.Diagnostics.Concat(ConfigValidator.Validate(loaded.Config!, new PresetCatalog([Path.Combine(TestPaths.RepoRoot, "presets")])));
        return diagnostics.Where(d => d.Severity == Severity.Error && d.Path is "locale" or "keyboard" or "timezone").Select(d => $"{d.Path}: {d.Message}").ToList();
    }

    private static void AllPassTheValidator(IReadOnlyList<Choice> locales, IReadOnlyList<Choice> keyboards, IReadOnlyList<Choice> zones)
    {
        Assert.NotEmpty(locales);
        Assert.NotEmpty(keyboards);
        Assert.NotEmpty(zones);
        var errors = new List<string>();
        for (var i = 0; i < new[] { locales.Count, keyboards.Count, zones.Count }.Max(); i++)
        {
            errors.AddRange(ValidatorErrors(locales[i % locales.Count].Value, keyboards[i % keyboards.Count].Value, zones[i % zones.Count].Value));
        }

        Assert.Empty(errors.Distinct());
    }

    [Fact]
    public void The_validator_check_used_here_catches_bad_values()
    {
        Assert.Equal(3, ValidatorErrors("english", "de latin", "Mars/Olympus_Mons").Count);
        Assert.Empty(ValidatorErrors("de_DE.UTF-8", "de-nodeadkeys", "Europe/Berlin"));
    }

    [Theory]
    [InlineData("us")]
    [InlineData("de-nodeadkeys")]
    [InlineData("de_CH-latin1")]
    [InlineData("de;reboot")]
    [InlineData("de latin")]
    [InlineData("x/y")]
    [InlineData("-C")]
    [InlineData("a.b")]
    public void The_live_probes_keymap_check_agrees_with_the_config_validator(string name)
    {
        var validatorAccepts = ValidatorErrors("C.UTF-8", name, "UTC").Count == 0;

        // The probe is stricter in one way only: a leading '-' would be an option to loadkeys.
        Assert.Equal(validatorAccepts && !name.StartsWith('-'), Keel.Installer.Service.Probes.LiveMachineProbe.IsKeymapName(name));
    }

    [Fact]
    public void Every_value_read_from_this_host_passes_the_config_validator()
    {
        var choices = new RegionalChoices();
        AllPassTheValidator(choices.Locales(), choices.Keyboards(), choices.Timezones());
        Assert.Equal("C.UTF-8", choices.Locales()[0].Value);
        Assert.Contains(choices.Locales(), c => c.Value == "en_US.UTF-8" && c.Label == "en_US.UTF-8 — English (United States)");
        Assert.Contains(choices.Timezones(), c => c.Value == "UTC");
        Assert.DoesNotContain(choices.Timezones(), c => c.Value.StartsWith("posix/", StringComparison.Ordinal) || c.Value.StartsWith("right/", StringComparison.Ordinal) || c.Value == "Etc/GMT+1");
        Assert.Equal(choices.Timezones().Select(c => c.Value).Order(StringComparer.Ordinal), choices.Timezones().Select(c => c.Value));
    }

    [Fact]
    public void Every_built_in_value_passes_the_config_validator()
    {
        var missing = Path.Combine(dir, "missing");
        var choices = new RegionalChoices(missing, [missing], missing);

        Assert.InRange(choices.Locales().Count, 40, 100);
        Assert.InRange(choices.Keyboards().Count, 40, 100);
        Assert.InRange(choices.Timezones().Count, 60, 100);
        Assert.Contains(choices.Keyboards(), c => c.Value == "de-nodeadkeys");
        Assert.Contains(choices.Keyboards(), c => c.Value == "jp106");
        AllPassTheValidator(choices.Locales(), choices.Keyboards(), choices.Timezones());
    }

    [Fact]
    public void Search_finds_berlin_by_berl_in_any_case_and_counts_the_matches()
    {
        var choices = new RegionalChoices();
        var found = choices.Filter(ChoiceKind.Timezones, "BERL");
        Assert.Contains(found.Items, c => c.Value == "Europe/Berlin");
        Assert.Equal(found.Items.Count, found.Total);
        Assert.All(found.Items, c => Assert.Contains("berl", c.Value + c.Label, StringComparison.OrdinalIgnoreCase));

        var all = choices.Filter(ChoiceKind.Timezones, null);
        Assert.Equal(choices.Timezones().Count, all.Total);

        var limited = choices.Filter(ChoiceKind.Timezones, "america", limit: 5);
        Assert.Equal(5, limited.Items.Count);
        Assert.True(limited.Total > 5);

        // A label matches as well as a value: "german" finds de_DE.UTF-8 by its label.
        Assert.Contains(choices.Filter(ChoiceKind.Locales, "german").Items, c => c.Value == "de_DE.UTF-8");
        Assert.Contains(choices.Filter(ChoiceKind.Timezones, "new york").Items, c => c.Value == "America/New_York");
    }

    [Fact]
    public void Keymaps_and_zones_are_read_from_the_given_directories()
    {
        var keymaps = Directory.CreateDirectory(Path.Combine(dir, "keymaps", "i386", "qwertz")).FullName;
        File.WriteAllText(Path.Combine(keymaps, "de-nodeadkeys.map.gz"), "");
        File.WriteAllText(Path.Combine(keymaps, "sg.kmap"), "");
        File.WriteAllText(Path.Combine(keymaps, "README"), "");
        var zoneinfo = Directory.CreateDirectory(Path.Combine(dir, "zoneinfo", "Europe")).FullName;
        File.WriteAllText(Path.Combine(zoneinfo, "Berlin"), "TZif2...");
        File.WriteAllText(Path.Combine(zoneinfo, "notes.txt"), "not a zone");
        Directory.CreateDirectory(Path.Combine(dir, "zoneinfo", "Etc"));
        File.WriteAllText(Path.Combine(dir, "zoneinfo", "Etc", "UTC"), "TZif2");
        File.WriteAllText(Path.Combine(dir, "zoneinfo", "Etc", "GMT+1"), "TZif2");
        var supported = Path.Combine(dir, "SUPPORTED");
        File.WriteAllText(supported, "de_DE.UTF-8 UTF-8\nde_DE ISO-8859-1\nsr_RS@latin UTF-8\n");

        var choices = new RegionalChoices(supported, [Path.Combine(dir, "keymaps")], Path.Combine(dir, "zoneinfo"));

        Assert.Equal(["C.UTF-8", "de_DE.UTF-8", "sr_RS.UTF-8@latin"], choices.Locales().Select(c => c.Value));
        Assert.Equal("sr_RS.UTF-8@latin — Serbian (Serbia, latin)", choices.Locales()[2].Label);
        Assert.Equal(["de-nodeadkeys", "sg"], choices.Keyboards().Select(c => c.Value));
        Assert.Equal("de-nodeadkeys — German (no dead keys)", choices.Keyboards()[0].Label);
        Assert.Equal(["Etc/UTC", "Europe/Berlin"], choices.Timezones().Select(c => c.Value));
    }
}
