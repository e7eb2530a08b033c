namespace Keel.Installer.Api;

/// <summary>A preset with its one-line description and what it installs from the chosen source.</summary>
public sealed record PresetSummary(string Name, string Title, string Description, int PackageCount, long InstalledBytes);

/// <summary>Screen 6: a preset plus packages added and removed by the user.</summary>
public sealed record PackageSettings(string Preset, IReadOnlyList<string> Add, IReadOnlyList<string> Remove);

/// <summary>The resolved selection: every package that will be installed, the total installed size, and what failed.</summary>
public sealed record PackageSelectionView(
    IReadOnlyList<PackageEntry> Packages,
    long InstalledBytes,
    IReadOnlyList<FieldError> Errors);

/// <summary>A package: name, summary, installed size; <see cref="Selected"/> when it is in the selection, <see cref="Requested"/> when asked for by name (preset or user).</summary>
public sealed record PackageEntry(string Name, string Evr, string Summary, long InstalledBytes, bool Selected, bool Requested);

/// <summary>Why a package is selected: the chain from the request ("requested by the preset container-host") to it.</summary>
public sealed record WhyAnswer(string Name, bool Selected, IReadOnlyList<string> Chain);
