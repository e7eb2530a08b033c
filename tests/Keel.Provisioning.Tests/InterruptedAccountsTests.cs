namespace Keel.Provisioning.Tests;

/// <summary>A run stopped between the renames of /etc/passwd and /etc/shadow is repaired by the next run.</summary>
public sealed class InterruptedAccountsTests
{
    [Fact]
    public void A_user_left_without_a_shadow_line_gets_one_on_the_next_run()
    {
        // The state a stop after passwd's rename leaves: the user in passwd and group, nothing in shadow.
        using var t = new TestRoot();
        File.AppendAllText(t.Host("/etc/passwd"), "ann:x:1000:1000::/home/ann:/bin/bash\nbob:x:1001:1001::/home/bob:/bin/bash\n");
        File.AppendAllText(t.Host("/etc/group"), "ann:x:1000:\nbob:x:1001:\n");
        File.AppendAllText(t.Host("/etc/gshadow"), "ann:!::\n");
        t.Seed("#cloud-config\nusers:\n  - name: ann\n    hashed_passwd: $6$salt$annhash\n    lock_passwd: false\n");

        var status = t.Run();

        Assert.Equal("ran", status.Modules.Single(m => m.Name == "users_groups").Result);
        var shadow = t["/etc/shadow"].Split('\n');
        Assert.Contains(shadow, l => l.StartsWith("ann:$6$salt$annhash:", StringComparison.Ordinal));

        // bob is not in the config; as pwck would, the run gives him a locked line so no password works until one is set.
        Assert.Single(shadow, l => l.StartsWith("bob:", StringComparison.Ordinal));
        Assert.StartsWith("bob:!:", shadow.Single(l => l.StartsWith("bob:", StringComparison.Ordinal)), StringComparison.Ordinal);
        Assert.Contains("bob:!::", t["/etc/gshadow"].Split('\n'));
        Assert.Equal("0:0 0", t.Stat("/etc/shadow"));
    }
}
