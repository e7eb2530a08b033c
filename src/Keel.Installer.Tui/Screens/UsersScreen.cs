using Keel.Installer.Api;
using Keel.Installer.Tui.Wizard;
using Terminal.Gui.Input;
using Terminal.Gui.Views;

namespace Keel.Installer.Tui.Screens;

/// <summary>
/// Root locked or not, the administrator, the password twice, SSH keys pasted or imported from a USB drive (a key that
/// does not parse is listed, never tickable). Tab order: Lock root, administrator, password, again, pasted keys,
/// Import from USB, found keys (Space ticks).
/// </summary>
internal sealed class UsersScreen : WizardScreen
{
    private readonly CheckBox lockRoot;
    private readonly TextField admin;
    private readonly Label adminError;
    private readonly TextField password;
    private readonly TextField again;
    private readonly Label passwordError;
    private readonly TextView pasted;
    private readonly Label keysError;
    private readonly Label usbMessage;
    private readonly ListView usb;
    private readonly Label otherErrors;
    private IReadOnlyList<FoundKey> found = [];
    private readonly HashSet<int> ticked = [];

    public UsersScreen(WizardContext context)
        : base(context)
    {
        UserSettingsView users = context.Session.Users;
        lockRoot = Widgets.Check(0, 0, "Lock root (log in as the administrator, sudo for root)", users.RootLocked);
        admin = Widgets.Field(16, 1, 24, users.AdminName ?? "");
        adminError = Widgets.Message(42, 1);
        password = Widgets.Field(16, 2, 20, secret: true);
        again = Widgets.Field(45, 2, 20, secret: true);
        passwordError = Widgets.Message(16, 3);
        pasted = Widgets.Text(0, 5, -1, 3, readOnly: false);
        pasted.Text = string.Join("\n", users.AuthorizedKeys);
        keysError = Widgets.Message(0, 8);
        usbMessage = Widgets.Message(20, 9);
        usb = Widgets.List(0, 10, -1, 5);
        otherErrors = Widgets.Message(0, 15, 2);
        View.Add(
            lockRoot,
            Widgets.Label(0, 1, "Administrator:"), admin, adminError,
            Widgets.Label(0, 2, "Password:"), password, Widgets.Label(38, 2, "Again:"), again, passwordError,
            Widgets.Label(0, 4, "Authorized SSH keys (paste, one per line):"), pasted, keysError,
            Widgets.Button(0, 9, "Import from USB", Scan), usbMessage, usb, otherErrors);
        usb.KeyDown += (_, key) =>
        {
            if (key == Key.Space)
            {
                key.Handled = true;
                Toggle();
            }
        };
        if (users.PasswordSet)
        {
            passwordError.Text = "A password is set; leave both fields empty to keep it.";
        }
    }

    public override string Title => "Users and SSH keys";

    public override string Keys => "Tab field  Space tick  Enter button";

    private void Scan()
    {
        usbMessage.Text = "Scanning removable drives...";
        Context.Work.Run(Context.Api.ScanUsbKeysAsync, keys =>
        {
            found = keys;
            ticked.Clear();
            usbMessage.Text = keys.Count == 0
                ? "No keys found on removable drives."
                : $"{keys.Count(k => k.Valid)} key(s) found, {keys.Count(k => !k.Valid)} invalid; Space ticks a key to import.";
            ShowFound();
        });
    }

    private void ShowFound() => usb.SetItems(found.Select((k, i) => k.Valid
        ? $"[{(ticked.Contains(i) ? "x" : " ")}] {k.Type} {k.Fingerprint} {k.Comment}  ({k.File})"
        : $"[-] invalid, not importable: {k.File}:{k.Line}: {k.Problem}"), usb.Selected());

    private void Toggle()
    {
        int i = usb.Selected();
        if (i < 0 || i >= found.Count)
        {
            return;
        }
        if (!found[i].Valid)
        {
            usbMessage.Text = $"That line does not parse ({found[i].Problem}); it cannot be imported.";
            return;
        }
        if (!ticked.Remove(i))
        {
            ticked.Add(i);
        }
        ShowFound();
    }

    public override void Commit(Action<bool> done)
    {
        var keys = (pasted.Text ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
        keys.AddRange(ticked.Order().Select(i => found[i].KeyLine).OfType<string>());
        string pass = password.Text ?? "";
        string pass2 = again.Text ?? "";
        bool keep = Context.Session.Users.PasswordSet && pass.Length == 0 && pass2.Length == 0;
        var settings = new UserSettings(lockRoot.IsChecked(), admin.Text ?? "", keep ? null : pass, keep ? null : pass2, keys);
        Context.Work.Run(ct => Context.Api.UpdateUsersAsync(settings, ct), result =>
        {
            static bool IsPassword(string f) => f.Contains("password", StringComparison.OrdinalIgnoreCase);
            static bool IsKey(string f) => f.Contains("key", StringComparison.OrdinalIgnoreCase);
            static bool IsName(string f) => f.EndsWith("name", StringComparison.OrdinalIgnoreCase);
            adminError.Text = Format.Errors(result.Errors, IsName);
            passwordError.Text = Format.Errors(result.Errors, IsPassword);
            keysError.Text = Format.Errors(result.Errors, IsKey);
            otherErrors.Text = Format.Errors(result.Errors, f => !IsPassword(f) && !IsKey(f) && !IsName(f));
            done(result.Ok);
        });
    }
}
