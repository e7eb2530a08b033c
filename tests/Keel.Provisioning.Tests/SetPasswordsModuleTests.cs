using System.Diagnostics;
using Keel.Tests;

namespace Keel.Provisioning.Tests;

/// <summary>set_passwords: hashes land in shadow, plain text and RANDOM are refused, expiry read back by the real chage.</summary>
public sealed class SetPasswordsModuleTests
{
    private const string Users = "\nusers:\n  - name: user1\n  - name: user2\n  - name: user3\n";

    private const string Hash2 = "$6$rounds=4096$5DJ8a9WMTEzIo5J4$Yms6imfeBvf3Yfu84mQBerh18l7OR1Wm1BJXZqFSpJ6BVas0AYJqIjP7czkOaAZHZi1kxQ5Y1IhgWN8K9NgxR1";

    [Fact]
    public void Cloud_inits_documented_users_example_sets_only_the_hash()
    {
        using var t = new TestRoot();
        t.Seed(File.ReadAllText(TestPaths.Oracle("cloud-init-HEAD", "doc", "module-docs", "cc_set_passwords", "example2.yaml")) + Users);
        var status = t.Run();

        Assert.Equal("ran", status.Modules.Single(m => m.Name == "set_passwords").Result);
        Assert.Equal(Hash2, Shadow(t, "user2")[1]);
        Assert.Equal("!", Shadow(t, "user1")[1]);
        Assert.Equal("!", Shadow(t, "user3")[1]);
        Assert.Contains(status.Warnings, w => w.Source.Contains("chpasswd user user1", StringComparison.Ordinal));
        Assert.Contains(status.Warnings, w => w.Source.Contains("chpasswd user user3", StringComparison.Ordinal) && w.Message.Contains("RANDOM", StringComparison.Ordinal));

        // expire: false — chage sees an ordinary last-change date, not a forced change.
        Assert.DoesNotContain("password must be changed", Chage(t, "user2"), StringComparison.Ordinal);
    }

    [Fact]
    public void List_form_expires_by_default_and_refuses_plain_text()
    {
        using var t = new TestRoot();
        t.Seed($"#cloud-config\npassword: secret\nchpasswd:\n  list: |\n    user1:{Hash2}\n    user2:plaintext\n" + Users);
        var status = t.Run();

        Assert.Equal(Hash2, Shadow(t, "user1")[1]);
        Assert.Equal("0", Shadow(t, "user1")[2]);
        Assert.Contains("password must be changed", Chage(t, "user1"), StringComparison.Ordinal);
        Assert.Equal("!", Shadow(t, "user2")[1]);
        Assert.DoesNotContain("plaintext", t["/etc/shadow"], StringComparison.Ordinal);
        Assert.Contains(status.Warnings, w => w.Source.StartsWith("set_passwords: password", StringComparison.Ordinal));
        Assert.Contains(status.Warnings, w => w.Source.Contains("chpasswd user user2", StringComparison.Ordinal));
    }

    [Fact]
    public void An_unknown_user_fails_the_module_after_setting_the_others()
    {
        using var t = new TestRoot();
        t.Seed($"#cloud-config\nchpasswd:\n  expire: false\n  users:\n    - {{name: ghost, password: '{Hash2}'}}\n    - {{name: user1, password: '{Hash2}'}}\n" + Users);
        var status = t.Run();
        var result = status.Modules.Single(m => m.Name == "set_passwords");
        Assert.Equal("failed", result.Result);
        Assert.Contains("ghost", result.Error, StringComparison.Ordinal);
        Assert.Equal(Hash2, Shadow(t, "user1")[1]);
        Assert.False(File.Exists(t.Host("/var/lib/cloud/instances/iid-1/sem/config_set_passwords")));
    }

    private static string[] Shadow(TestRoot t, string user) =>
        t["/etc/shadow"].Split('\n').Single(l => l.StartsWith(user + ":", StringComparison.Ordinal)).Split(':');

    private static string Chage(TestRoot t, string user)
    {
        var psi = new ProcessStartInfo("chage") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "--root", t.RootPath, "-l", user })
        {
            psi.ArgumentList.Add(a);
        }

        using var p = Process.Start(psi)!;
        var output = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, "chage: " + p.StandardError.ReadToEnd());
        return output;
    }
}
