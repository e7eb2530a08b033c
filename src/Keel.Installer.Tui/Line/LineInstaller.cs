using Keel.Installer.Api;
using Keel.Installer.Tui.Line;
using Keel.Installer.Tui.Wizard;

namespace Keel.Installer.Tui;

/// <summary>
/// The installer for dumb serial consoles (keel.ui=line): the wizard's screens as numbered questions with the default in
/// brackets; "?" lists the choices, "back" returns to the previous question, an error is printed and the question asked
/// again. Every check is the service's. With <paramref name="echo"/> (the console's tty), passwords and the passphrase
/// are typed without echo.
/// </summary>
public sealed class LineInstaller(IInstallerApi api, TextReader input, TextWriter output, TerminalEcho? echo = null)
{
    private const int ChoicesShown = 40;
    private const string Note = "note: ";
    private RegionalSettings regional = new("", "", "");
    private string preset = "";
    private readonly List<string> add = [];
    private readonly List<string> remove = [];
    private string disk = "";
    private bool encrypt;
    private string? passphrase;
    private bool rootLocked = true;
    private string admin = "";
    private string? password;
    private readonly List<string> keys = [];
    private IReadOnlyList<FoundKey> usbKeys = [];
    private MachineFacts? machine;

    /// <summary>Asks the questions, installs, and returns 0 when installed, 1 when the install failed, 130 when the input ended or the user typed "quit".</summary>
    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        SessionState session = await api.GetSessionAsync(cancellationToken).ConfigureAwait(false);
        regional = session.Regional;
        preset = session.Packages.Preset;
        add.AddRange(session.Packages.Add);
        remove.AddRange(session.Packages.Remove);
        rootLocked = session.Users.RootLocked;
        admin = session.Users.AdminName ?? "";
        keys.AddRange(session.Users.AuthorizedKeys);
        machine = await api.GetMachineAsync(cancellationToken).ConfigureAwait(false);
        disk = session.Storage?.Disk ?? machine.Disks.FirstOrDefault(d => d.Refusals.Count == 0)?.ById ?? (machine.Disks.Count > 0 ? machine.Disks[0].Path : "");
        encrypt = session.Storage?.Encrypt ?? false;
        await output.WriteLineAsync($"Keel installer (line mode){(session.DryRun ? ", dry run: no disk is written" : "")}. Type ? for choices, back for the previous question, quit to stop.").ConfigureAwait(false);

        if (session.Phase == SessionPhase.Editing)
        {
            IReadOnlyList<LineQuestion> questions = Questions(session);
            int index = 0;
            while (index < questions.Count)
            {
                LineQuestion question = questions[index];
                if (question.Asked is { } asked && !asked())
                {
                    index++;
                    continue;
                }
                string fallback = await question.Default(cancellationToken).ConfigureAwait(false);
                await output.WriteAsync($"{index + 1}. {question.Text}{(fallback.Length > 0 ? $" [{fallback}]" : "")}: ").ConfigureAwait(false);
                string? line;
                using (question.Secret ? echo?.Suppress() : null)
                {
                    line = await input.ReadLineAsync(cancellationToken).ConfigureAwait(false);
                }
                if (line is null || line.Trim() == "quit")
                {
                    await output.WriteLineAsync().ConfigureAwait(false);
                    await output.WriteLineAsync("Quit; nothing has been written to any disk.").ConfigureAwait(false);
                    return TextInstaller.QuitExitCode;
                }
                string answer = line.Trim();
                if (answer == "?")
                {
                    foreach (string choice in await question.Choices(cancellationToken).ConfigureAwait(false))
                    {
                        await output.WriteLineAsync($"   {choice}").ConfigureAwait(false);
                    }
                    continue;
                }
                if (answer == "back")
                {
                    index = PreviousAsked(questions, index);
                    continue;
                }
                string? error = await question.Answer(answer.Length == 0 ? fallback : answer, cancellationToken).ConfigureAwait(false);
                if (error is not null)
                {
                    // A note (a why answer, "added") re-asks the question without being an error.
                    await output.WriteLineAsync(error.StartsWith(Note, StringComparison.Ordinal) ? $"   {error[Note.Length..]}" : $"   error: {error}").ConfigureAwait(false);
                    continue;
                }
                index++;
            }
        }
        return await FollowInstallAsync(cancellationToken).ConfigureAwait(false);
    }

    private static int PreviousAsked(IReadOnlyList<LineQuestion> questions, int index)
    {
        for (int i = index - 1; i >= 0; i--)
        {
            if (questions[i].Asked is not { } asked || asked())
            {
                return i;
            }
        }
        return 0;
    }

    private static Func<CancellationToken, Task<string>> Value(Func<string> value) => _ => Task.FromResult(value());

    private static Func<CancellationToken, Task<IReadOnlyList<string>>> None => _ => Task.FromResult<IReadOnlyList<string>>([]);

    private static string? Errors(IEnumerable<FieldError> errors) =>
        errors.Any() ? string.Join("; ", errors.Select(e => $"{e.Field}: {Format.Error(e)}")) : null;

    private Func<CancellationToken, Task<IReadOnlyList<string>>> Choices(ChoiceKind kind) => async ct =>
    {
        ChoiceList list = await api.GetChoicesAsync(kind, null, ct).ConfigureAwait(false);
        var lines = list.Items.Take(ChoicesShown).Select(c => c.Label.StartsWith(c.Value, StringComparison.Ordinal) ? c.Label : $"{c.Value}  {c.Label}").ToList();
        if (list.Total > lines.Count)
        {
            lines.Add($"... and {list.Total - lines.Count} more; type the value");
        }
        return lines;
    };

    private async Task<string?> Regional(RegionalSettings settings, CancellationToken ct)
    {
        SectionResult result = await api.UpdateRegionalAsync(settings, ct).ConfigureAwait(false);
        if (result.Ok)
        {
            regional = settings;
        }
        return Errors(result.Errors);
    }

    private IReadOnlyList<LineQuestion> Questions(SessionState session) =>
    [
        new("Language and locale", Value(() => regional.Locale), Choices(ChoiceKind.Locales), (a, ct) => Regional(regional with { Locale = a }, ct)),
        new("Keyboard layout", Value(() => regional.Keyboard), Choices(ChoiceKind.Keyboards), async (a, ct) =>
        {
            string? error = await Regional(regional with { Keyboard = a }, ct).ConfigureAwait(false);
            if (error is null)
            {
                ApplyResult applied = await api.ApplyKeyboardAsync(a, ct).ConfigureAwait(false);
                await output.WriteLineAsync($"   {applied.Message}").ConfigureAwait(false);
            }
            return error;
        }),
        new("Time zone", Value(() => regional.Timezone), Choices(ChoiceKind.Timezones), (a, ct) => Regional(regional with { Timezone = a }, ct)),
        new("Host name", Value(() => session.Network.Hostname ?? machine?.Hostname ?? ""), _ => Task.FromResult<IReadOnlyList<string>>(
            [.. machine!.Interfaces.Select(i => $"{i.Name} {(i.Up ? "up" : "down")} {string.Join(", ", i.Addresses)}")]), async (a, ct) =>
            Errors((await api.UpdateNetworkAsync(new NetworkSettings(a.Length == 0 ? null : a), ct).ConfigureAwait(false)).Errors)),
        new("Installation source: medium, online or a mirror URL", Value(() => session.Source.Kind == SourceKind.Mirror ? session.Source.Url ?? "" : session.Source.Kind.ToString().ToLowerInvariant()),
            _ => Task.FromResult<IReadOnlyList<string>>(["medium", "online", "http://... (a mirror)"]), async (a, ct) =>
            {
                SourceSettings source = a switch
                {
                    "medium" => new SourceSettings(SourceKind.Medium),
                    "online" => new SourceSettings(SourceKind.Online),
                    _ => new SourceSettings(SourceKind.Mirror, a),
                };
                SectionResult result = await api.UpdateSourceAsync(source, ct).ConfigureAwait(false);
                if (!result.Ok)
                {
                    return Errors(result.Errors);
                }
                SourceCheckResult check = await api.CheckSourceAsync(source, ct).ConfigureAwait(false);
                await output.WriteLineAsync($"   {(check.Reachable ? "reachable" : "NOT reachable")}, {(check.Signed ? "signed" : "NOT signed")}: {check.Message}").ConfigureAwait(false);
                return null;
            }),
        new("Preset", Value(() => preset), async ct => [.. (await api.GetPresetsAsync(ct).ConfigureAwait(false)).Select(p => $"{p.Name,-16} {p.Title}: {p.Description} ({p.PackageCount} packages, {Format.Bytes(p.InstalledBytes)})")],
            async (a, ct) =>
            {
                string was = preset;
                preset = a;
                string? error = await Packages(ct).ConfigureAwait(false);
                if (error is not null)
                {
                    preset = was;
                }
                return error;
            }),
        new("More packages (name adds, -name removes, why NAME explains, empty: done)", Value(() => ""), None, async (a, ct) =>
        {
            if (a.Length == 0)
            {
                return null;
            }
            if (a.StartsWith("why ", StringComparison.Ordinal))
            {
                WhyAnswer why = await api.WhyAsync(a[4..].Trim(), ct).ConfigureAwait(false);
                return $"{Note}why {why.Name}: {(why.Chain.Count == 0 ? "not selected" : string.Join(" -> ", why.Chain))}";
            }
            foreach (string word in a.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                if (word.StartsWith('-'))
                {
                    add.Remove(word[1..]);
                    remove.Add(word[1..]);
                }
                else
                {
                    remove.Remove(word);
                    add.Add(word);
                }
            }
            // Asked again until answered empty, so several additions can be made one line at a time.
            return await Packages(ct).ConfigureAwait(false) ?? $"{Note}done; another line, or empty to go on";
        }),
        new("Disk (by-id name or path)", Value(() => disk), _ => Task.FromResult<IReadOnlyList<string>>(
            [.. machine!.Disks.Select(d => $"{Format.Disk(d)}: {Format.Contents(d)}{(d.Refusals.Count > 0 ? "; refused: " + string.Join("; ", d.Refusals) : "")}")]),
            (a, ct) =>
            {
                disk = a;
                return Storage(ct);
            }),
        new("Encrypt the disk with LUKS2 (yes/no)", Value(() => encrypt ? "yes" : "no"), _ => Task.FromResult<IReadOnlyList<string>>(["yes", "no"]), (a, ct) =>
        {
            encrypt = a is "yes" or "y";
            passphrase = null;
            return encrypt ? Task.FromResult<string?>(null) : Storage(ct);
        }),
        new("LUKS2 passphrase", Value(() => ""), None, (a, ct) =>
        {
            passphrase = a;
            return Task.FromResult<string?>(null);
        }, () => encrypt, Secret: true),
        new("LUKS2 passphrase again", Value(() => ""), None, (a, ct) => Storage(ct, a), () => encrypt, Secret: true),
        new("Lock root (yes/no)", Value(() => rootLocked ? "yes" : "no"), _ => Task.FromResult<IReadOnlyList<string>>(["yes", "no"]), (a, _) =>
        {
            rootLocked = a is not ("no" or "n");
            return Task.FromResult<string?>(null);
        }),
        new("Administrator name", Value(() => admin), None, (a, _) =>
        {
            admin = a;
            return Task.FromResult<string?>(null);
        }),
        new("Administrator password", Value(() => ""), None, (a, _) =>
        {
            password = a;
            return Task.FromResult<string?>(null);
        }, Secret: true),
        new("Password again", Value(() => ""), None, (a, ct) => Users(a, ct), Secret: true),
        new("SSH key line to add, usb to import from a USB drive, empty: done", Value(() => ""), _ => Task.FromResult<IReadOnlyList<string>>(
            [.. keys, .. usbKeys.Select((k, i) => k.Valid ? $"usb {i + 1}: {k.Type} {k.Fingerprint} {k.Comment} ({k.File})" : $"usb {i + 1}: invalid, not importable: {k.File}:{k.Line}: {k.Problem}")]),
            async (a, ct) =>
            {
                if (a.Length == 0)
                {
                    return null;
                }
                if (a == "usb")
                {
                    usbKeys = await api.ScanUsbKeysAsync(ct).ConfigureAwait(false);
                    foreach ((FoundKey k, int i) in usbKeys.Select((k, i) => (k, i)))
                    {
                        await output.WriteLineAsync(k.Valid
                            ? $"   usb {i + 1}: {k.Type} {k.Fingerprint} {k.Comment} ({k.File})"
                            : $"   usb {i + 1}: invalid, not importable: {k.File}:{k.Line}: {k.Problem}").ConfigureAwait(false);
                    }
                    return $"{Note}type usb N to import key N";
                }
                if (a.StartsWith("usb ", StringComparison.Ordinal) && int.TryParse(a[4..], out int n))
                {
                    if (n < 1 || n > usbKeys.Count || !usbKeys[n - 1].Valid || usbKeys[n - 1].KeyLine is null)
                    {
                        return $"usb {n}: no importable key with that number";
                    }
                    keys.Add(usbKeys[n - 1].KeyLine!);
                }
                else
                {
                    keys.Add(a);
                }
                return await Users(password, ct).ConfigureAwait(false) ?? $"{Note}key kept; another, or empty to go on";
            }),
        new("Review", Value(() => ""), None, (_, ct) => Review(ct)),
        new("Save the config to a USB drive (device, or empty to skip)", Value(() => ""), _ => Task.FromResult<IReadOnlyList<string>>(
            [.. machine!.Removable.Select(v => $"{v.Device} {v.Label} {v.FsType} {Format.Bytes(v.SizeBytes)}")]), async (a, ct) =>
            {
                if (a.Length == 0)
                {
                    return null;
                }
                SaveResult saved = await api.SaveConfigAsync(new SaveRequest(a), ct).ConfigureAwait(false);
                await output.WriteLineAsync($"   {saved.Message} ({saved.Path})").ConfigureAwait(false);
                return null;
            }),
        new("Type 'install' to erase the disk and install", Value(() => ""), None, (a, ct) => Install(a, ct), PromptNow: ConfirmPrompt),
    ];

    private async Task<string?> Packages(CancellationToken ct)
    {
        PackageSelectionView view = await api.UpdatePackagesAsync(new PackageSettings(preset, [.. add], [.. remove]), ct).ConfigureAwait(false);
        if (view.Errors.Count == 0)
        {
            await output.WriteLineAsync($"   {view.Packages.Count} packages, {Format.Bytes(view.InstalledBytes)} installed").ConfigureAwait(false);
        }
        return Errors(view.Errors);
    }

    private async Task<string?> Storage(CancellationToken ct, string? again = null)
    {
        var settings = new StorageSettings(disk, LayoutMode.Guided, encrypt, encrypt ? passphrase : null, encrypt ? again : null);
        LayoutProposal proposal = await api.UpdateStorageAsync(settings, ct).ConfigureAwait(false);
        foreach (ProposedPartition p in proposal.Partitions)
        {
            await output.WriteLineAsync($"   {p.Label}: {p.Role}").ConfigureAwait(false);
        }
        var problems = proposal.Problems.Concat(proposal.Errors.Select(e => $"{e.Field}: {Format.Error(e)}")).ToList();
        return problems.Count == 0 && proposal.Boots ? null : string.Join("; ", problems.DefaultIfEmpty("the layout will not boot"));
    }

    private async Task<string?> Users(string? again, CancellationToken ct)
    {
        SectionResult result = await api.UpdateUsersAsync(new UserSettings(rootLocked, admin, password, again, [.. keys]), ct).ConfigureAwait(false);
        return Errors(result.Errors);
    }

    private ReviewView? review;

    private async Task<string?> Review(CancellationToken ct)
    {
        review = await api.ReviewAsync(ct).ConfigureAwait(false);
        await output.WriteLineAsync(review.PlanText.TrimEnd()).ConfigureAwait(false);
        foreach (DestructiveOperation o in review.Operations)
        {
            await output.WriteLineAsync($"   ! {o.ById ?? o.Device} ({o.Model ?? "?"}, {Format.Bytes(o.SizeBytes)}): {o.Description}").ConfigureAwait(false);
        }
        return review.Ready ? null : "blocked: " + Errors(review.Blockers) + " (type back to change answers)";
    }

    private string ConfirmPrompt()
    {
        DestructiveOperation? target = review?.Operations.Count > 0 ? review.Operations[0] : null;
        return target is null
            ? "Type 'install' to install"
            : $"Type 'install' to erase {target.ById ?? target.Device} ({target.Model ?? "?"}, {Format.Bytes(target.SizeBytes)}) and install";
    }

    private async Task<string?> Install(string answer, CancellationToken ct)
    {
        if (review is not { Ready: true, Fingerprint: { } fingerprint })
        {
            return "review first (type back)";
        }
        DestructiveOperation? target = review.Operations.Count > 0 ? review.Operations[0] : null;
        if (answer != "install")
        {
            return $"type 'install' to erase {target?.ById ?? target?.Device ?? disk} ({target?.Model ?? "?"}, {Format.Bytes(target?.SizeBytes ?? 0)}) and install";
        }
        InstallStarted started = await api.StartInstallAsync(new InstallRequest(fingerprint), ct).ConfigureAwait(false);
        await output.WriteLineAsync($"   installing: {string.Join(", ", started.Steps.Select(s => s.Title))}").ConfigureAwait(false);
        return null;
    }

    private async Task<int> FollowInstallAsync(CancellationToken ct)
    {
        long after = 0;
        SessionPhase phase = SessionPhase.Installing;
        while (phase == SessionPhase.Installing)
        {
            EventPage page = await api.GetEventsAsync(after, TimeSpan.FromSeconds(5), ct).ConfigureAwait(false);
            foreach (InstallEvent e in page.Events)
            {
                string percent = e.Fraction is { } f ? $"{f * 100,3:0}% " : "";
                await output.WriteLineAsync($"{percent}{e.Message}").ConfigureAwait(false);
            }
            after = page.Next;
            phase = page.Phase;
        }
        FinishInfo finish = await api.GetFinishAsync(ct).ConfigureAwait(false);
        await output.WriteLineAsync(finish.Message).ConfigureAwait(false);
        foreach (string key in finish.HostKeys)
        {
            await output.WriteLineAsync($"host key: {key}").ConfigureAwait(false);
        }
        await output.WriteLineAsync($"config saved to: {finish.ConfigPath ?? "(not saved)"}").ConfigureAwait(false);
        await output.WriteLineAsync($"log saved to: {finish.LogPath ?? "(not saved)"}").ConfigureAwait(false);
        while (true)
        {
            await output.WriteAsync("reboot, poweroff or exit [exit]: ").ConfigureAwait(false);
            string? line = (await input.ReadLineAsync(ct).ConfigureAwait(false))?.Trim();
            if (line is null or "" or "exit")
            {
                return finish.Succeeded ? 0 : 1;
            }
            if (line is "reboot" or "poweroff")
            {
                ApplyResult result = await api.PowerAsync(line == "reboot" ? PowerAction.Reboot : PowerAction.Poweroff, ct).ConfigureAwait(false);
                await output.WriteLineAsync(result.Message).ConfigureAwait(false);
                if (result.Done)
                {
                    return finish.Succeeded ? 0 : 1;
                }
            }
        }
    }
}
