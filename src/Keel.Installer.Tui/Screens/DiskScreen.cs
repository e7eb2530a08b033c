using System.Globalization;
using Keel.Installer.Api;
using Keel.Installer.Tui.Wizard;
using Terminal.Gui.Views;

namespace Keel.Installer.Tui.Screens;

/// <summary>
/// The target disk, guided or custom layout, LUKS2 encryption; every change is sent to the service, which answers with
/// each partition's role and whether the layout will boot. Tab order: disk list, layout list, Encrypt, passphrase,
/// again, partition list, Label, Mount, Size, Grow, Fs, Add, Set, Delete.
/// </summary>
internal sealed class DiskScreen : WizardScreen
{
    private const long MiB = 1024 * 1024;
    private readonly ListView disks;
    private readonly Label details;
    private readonly ListView mode;
    private readonly CheckBox encrypt;
    private readonly TextField passphrase;
    private readonly TextField again;
    private readonly Label passphraseError;
    private readonly ListView partitions;
    private readonly TextField label;
    private readonly TextField mount;
    private readonly TextField size;
    private readonly CheckBox grow;
    private readonly TextField fs;
    private readonly Label role;
    private readonly Label verdict;
    private IReadOnlyList<DiskFacts> diskList = [];
    private List<PartitionSpec>? specs;
    private LayoutProposal? proposal;
    private readonly OrderedUpdates updates;

    public DiskScreen(WizardContext context)
        : base(context)
    {
        updates = new OrderedUpdates(context.Work);
        StorageSettings? storage = context.Session.Storage;
        disks = Widgets.List(0, 1, -1, 3);
        details = Widgets.Message(0, 4, 2);
        mode = Widgets.List(8, 6, 32, 2);
        mode.SetItems(["Guided: the whole disk", "Custom: edit the partitions"], storage?.Mode == LayoutMode.Custom ? 1 : 0);
        encrypt = Widgets.Check(42, 6, "Encrypt (LUKS2)", storage?.Encrypt ?? false);
        passphrase = Widgets.Field(12, 8, 20, secret: true);
        again = Widgets.Field(41, 8, 20, secret: true);
        passphraseError = Widgets.Message(12, 9);
        partitions = Widgets.List(0, 10, -1, 3);
        label = Widgets.Field(6, 13, 8);
        mount = Widgets.Field(21, 13, 10);
        size = Widgets.Field(37, 13, 8);
        grow = Widgets.Check(46, 13, "Grow", false);
        fs = Widgets.Field(56, 13, 6);
        role = Widgets.Message(0, 15);
        verdict = Widgets.Message(24, 14, 1);
        specs = storage?.Partitions is { } saved ? [.. saved] : null;
        View.Add(
            Widgets.Label(0, 0, "Disk (Up/Down):"), disks, details,
            Widgets.Label(0, 6, "Layout:"), mode, encrypt,
            Widgets.Label(0, 8, "Passphrase:"), passphrase, Widgets.Label(34, 8, "Again:"), again, passphraseError,
            partitions,
            Widgets.Label(0, 13, "Label"), label, Widgets.Label(15, 13, "Mount"), mount, Widgets.Label(32, 13, "Size"), size, grow,
            Widgets.Label(53, 13, "Fs"), fs,
            Widgets.Button(0, 14, "Add", AddPartition), Widgets.Button(8, 14, "Set", SetPartition), Widgets.Button(16, 14, "Delete", DeletePartition),
            verdict, role);
        verdict.Y = 16;
        verdict.X = 0;
        disks.ValueChanged += (_, _) =>
        {
            ShowDetails();
            Propose(_ => { });
        };
        mode.ValueChanged += (_, _) => Propose(_ => { });
        encrypt.ValueChanged += (_, _) => Propose(_ => { });
        partitions.ValueChanged += (_, _) => ShowPartition();
        // The passphrases are checked as they are typed (the service keeps them in memory only).
        passphrase.TextChanged += (_, _) => Propose(_ => { });
        again.TextChanged += (_, _) => Propose(_ => { });
    }

    public override string Title => "Disk and layout";

    public override string Keys => "Tab field  Up/Down choose  Space tick";

    private bool Custom => mode.Selected() == 1;

    protected override void Load() => Context.WithMachine(machine =>
    {
        diskList = machine.Disks;
        string? wanted = Context.Session.Storage?.Disk;
        int index = diskList.ToList().FindIndex(d => d.Path == wanted || d.ById == wanted);
        if (index < 0)
        {
            index = Math.Max(0, diskList.ToList().FindIndex(d => d.Refusals.Count == 0));
        }
        // A by-id name alone can fill the line; the list shows path, size and model, the row under it the by-id name.
        disks.SetItems(diskList.Select(d => $"{d.Path,-14} {Format.Bytes(d.SizeBytes),10}  {d.Transport ?? "",-6} {d.Model ?? "?"}{(d.Refusals.Count > 0 ? "  (refused)" : "")}"), index);
        ShowDetails();
        Propose(_ => { });
    });

    private DiskFacts? Disk => disks.Selected() is var i and >= 0 && i < diskList.Count ? diskList[i] : null;

    private void ShowDetails()
    {
        if (Disk is not { } disk)
        {
            details.Say(diskList.Count == 0 ? "No disk found." : "");
            return;
        }
        details.Say($"{disk.ById ?? disk.Path}\n{(disk.Refusals.Count == 0 ? "Holds: " + Format.Contents(disk) : "Refused: " + string.Join("; ", disk.Refusals))}");
    }

    private StorageSettings Settings()
    {
        if (Custom && specs is null)
        {
            // The editor starts from what the guided layout would make, so the user edits a layout that boots.
            specs = proposal?.Partitions.Select(p => new PartitionSpec(p.Label, p.MountPoint, $"{p.SizeBytes / MiB}MiB", p.MountPoint == "/", p.Fs)).ToList() ?? [];
        }
        return new StorageSettings(
            Disk?.ById ?? Disk?.Path ?? "",
            Custom ? LayoutMode.Custom : LayoutMode.Guided,
            encrypt.IsChecked(),
            encrypt.IsChecked() ? passphrase.Text : null,
            encrypt.IsChecked() ? again.Text : null,
            Custom ? [.. specs!] : null);
    }

    private void Propose(Action<bool> done)
    {
        if (Disk is null)
        {
            done(false);
            return;
        }
        StorageSettings settings = Settings();
        updates.Run(ct => Context.Api.UpdateStorageAsync(settings, ct), answer =>
        {
            proposal = answer;
            int keep = partitions.Selected();
            partitions.SetItems(answer.Partitions.Select(p =>
                $"{p.Label,-8} {p.MountPoint ?? "-",-10} {Format.Bytes(p.SizeBytes),10} {p.Fs,-5}{(p.Encrypted ? " LUKS2" : "")}"), keep);
            passphraseError.Say(Format.Errors(answer.Errors, f => f.Contains("passphrase", StringComparison.OrdinalIgnoreCase)));
            string problems = string.Join("; ", answer.Problems.Concat(answer.Errors.Where(e => !e.Field.Contains("passphrase", StringComparison.OrdinalIgnoreCase)).Select(Format.Error)));
            verdict.Say(problems.Length > 0 ? $"Will not boot: {problems}" : answer.Boots ? "Will boot." : "Will not boot yet (see the fields above).");
            ShowPartition();
        }, answer => done(answer is { Boots: true, Errors.Count: 0, Problems.Count: 0 }));
    }

    private void ShowPartition()
    {
        int i = partitions.Selected();
        if (proposal is null || i < 0 || i >= proposal.Partitions.Count)
        {
            role.Say("");
            return;
        }
        role.Say(proposal.Partitions[i].Role);
        if (Custom && specs is not null && i < specs.Count)
        {
            PartitionSpec spec = specs[i];
            label.Text = spec.Label ?? "";
            mount.Text = spec.MountPoint ?? "";
            size.Text = spec.Size ?? "";
            grow.Value = spec.Grow ? CheckState.Checked : CheckState.UnChecked;
            fs.Text = spec.Fs;
        }
    }

    private PartitionSpec Edited() => new(
        Blank(label.Text), Blank(mount.Text), Blank(size.Text), grow.IsChecked(), (fs.Text ?? "").Trim());

    private static string? Blank(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();

    private bool EnsureCustom()
    {
        if (!Custom)
        {
            Context.Status("Choose Custom under Layout to edit the partitions.");
            return false;
        }
        Settings();
        return true;
    }

    private void AddPartition()
    {
        if (EnsureCustom())
        {
            specs!.Add(Edited());
            Propose(_ => { });
        }
    }

    private void SetPartition()
    {
        if (EnsureCustom() && partitions.Selected() is var i and >= 0 && i < specs!.Count)
        {
            specs[i] = Edited();
            Propose(_ => { });
        }
    }

    private void DeletePartition()
    {
        if (EnsureCustom() && partitions.Selected() is var i and >= 0 && i < specs!.Count)
        {
            specs.RemoveAt(i);
            Propose(_ => { });
        }
    }

    public override void Commit(Action<bool> done) => Propose(ok =>
    {
        if (!ok)
        {
            Context.Status(string.Create(CultureInfo.InvariantCulture, $"The layout on {Disk?.ById ?? Disk?.Path ?? "no disk"} is not ready; see the lines above."));
        }
        done(ok);
    });
}
