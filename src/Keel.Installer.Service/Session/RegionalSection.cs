using Keel.Config.Model;
using Keel.Installer.Api;
using Keel.Installer.Service.Probes;
using Keel.Installer.Service.Regional;

namespace Keel.Installer.Service.Session;

/// <summary>Screens 1-3: locale, keyboard and time zone on the draft, the lists to choose from, and trying a keyboard layout now.</summary>
public sealed class RegionalSection(IMachineProbe probe, RegionalChoices choices)
{
    /// <summary>Sets the three fields; the validator judges them.</summary>
    public static void Apply(RegionalSettings settings, MachineConfig draft)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(draft);
        draft.Locale = settings.Locale?.Trim() ?? "";
        draft.Keyboard = settings.Keyboard?.Trim() ?? "";
        draft.Timezone = settings.Timezone?.Trim() ?? "";
    }

    /// <summary>The choices of <paramref name="kind"/> whose value or label contains <paramref name="query"/>.</summary>
    public ChoiceList Choices(ChoiceKind kind, string? query) => choices.Filter(kind, query);

    /// <summary>Loads the layout on the console (a profile only says it would); an empty name is bad input.</summary>
    public Task<ApplyResult> ApplyKeyboardAsync(string layout, CancellationToken cancellationToken) =>
        string.IsNullOrWhiteSpace(layout)
            ? throw InstallerServiceException.BadInput("layout: give a keyboard layout name, e.g. 'de' or 'fr'")
            : probe.ApplyKeyboardAsync(layout.Trim(), cancellationToken);
}
