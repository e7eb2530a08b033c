using Keel.Installer.Api;
using Keel.Installer.Tui.Wizard;

namespace Keel.Installer.Tui.Screens;

/// <summary>The eleven screens in order, and the indexes other screens jump to.</summary>
internal static class WizardScreens
{
    public const int Locale = 0;
    public const int Keyboard = 1;
    public const int Timezone = 2;
    public const int Network = 3;
    public const int Source = 4;
    public const int Packages = 5;
    public const int Disk = 6;
    public const int Users = 7;
    public const int Review = 8;
    public const int Progress = 9;
    public const int Finish = 10;

    public static IReadOnlyList<WizardScreen> Create(WizardContext context) =>
    [
        new ChoiceScreen(context, ChoiceKind.Locales, "Language and locale", r => r.Locale, (r, v) => r with { Locale = v }),
        new KeyboardScreen(context),
        new ChoiceScreen(context, ChoiceKind.Timezones, "Time zone", r => r.Timezone, (r, v) => r with { Timezone = v }),
        new NetworkScreen(context),
        new SourceScreen(context),
        new PackagesScreen(context),
        new DiskScreen(context),
        new UsersScreen(context),
        new ReviewScreen(context),
        new ProgressScreen(context),
        new FinishScreen(context),
    ];

    /// <summary>The screen a blocker's config field belongs to (e.g. "users[1].name" is the users screen).</summary>
    public static int ForField(string field) => field switch
    {
        _ when field.StartsWith("locale", StringComparison.Ordinal) => Locale,
        _ when field.StartsWith("keyboard", StringComparison.Ordinal) => Keyboard,
        _ when field.StartsWith("timezone", StringComparison.Ordinal) => Timezone,
        _ when field.StartsWith("hostname", StringComparison.Ordinal) || field.StartsWith("network", StringComparison.Ordinal) => Network,
        _ when field.StartsWith("source", StringComparison.Ordinal) || field.StartsWith("repositories", StringComparison.Ordinal) => Source,
        _ when field.StartsWith("preset", StringComparison.Ordinal) || field.StartsWith("packages", StringComparison.Ordinal) => Packages,
        _ when field.StartsWith("storage", StringComparison.Ordinal) || field.StartsWith("disk", StringComparison.Ordinal) => Disk,
        _ when field.StartsWith("users", StringComparison.Ordinal) || field.StartsWith("root", StringComparison.Ordinal) => Users,
        _ => Review,
    };
}
