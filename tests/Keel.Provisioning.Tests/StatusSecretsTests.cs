using System.Text.Json;

namespace Keel.Provisioning.Tests;

/// <summary>
/// Issue 8 finding 5: keel-status.json is world-readable (0644, as docs/provisioning.md says), so after a run with
/// passwords in user data neither it, `keel-agent status` nor the log may hold any of them.
/// </summary>
public sealed class StatusSecretsTests
{
    private static readonly string[] Secrets =
    [
        "hunter2-plain", "hunter2hashed", "hunter2passwd", "hunter2-list-plain", "hunter2listhash", "hunter2-users",
        "hunter2usershash", "hunter2-top",
    ];

    private const string UserData = """
        #cloud-config
        users:
          - default
          - name: bob
            plain_text_passwd: hunter2-plain
            hashed_passwd: $6$saltsalt$hunter2hashed
            passwd: $6$saltsalt$hunter2passwd
            lock_passwd: false
            sudo: 5
            groups: {a: {b: 1}}
        chpasswd:
          expire: false
          list:
            - bob:hunter2-list-plain
            - bob:$6$saltsalt$hunter2listhash
          users:
            - {name: bob, password: hunter2-users, type: text}
            - {name: bob, password: $6$saltsalt$hunter2usershash, type: 7}
        password: hunter2-top
        frobnicate: 1
        """;

    [Fact]
    public void Status_file_and_status_command_hold_no_secrets()
    {
        using var t = new TestRoot();
        t.Seed(UserData);
        using var log = new StringWriter();

        var status = t.Run(log: log);

        // The schema warnings this test is about were triggered, and the secrets did reach the modules.
        Assert.Contains(status.Warnings, w => w.Source.StartsWith("user-data schema: users", StringComparison.Ordinal));
        Assert.Contains(status.Warnings, w => w.Source.StartsWith("user-data schema: chpasswd", StringComparison.Ordinal));
        Assert.Contains("$6$saltsalt$hunter2", t["/etc/shadow"], StringComparison.Ordinal);

        var path = t.Host("/var/lib/cloud/data/keel-status.json");
        Assert.Equal("0:0 644", t.Stat("/var/lib/cloud/data/keel-status.json"));
        var text = File.ReadAllText(path);
        var shown = HostileInputTests.Cli("status", "--root", t.RootPath).Out;
        var analyzed = HostileInputTests.Cli("analyze", "--root", t.RootPath, "--json").Out;
        foreach (var secret in Secrets)
        {
            Assert.DoesNotContain(secret, text, StringComparison.Ordinal);
            Assert.DoesNotContain(secret, shown, StringComparison.Ordinal);
            Assert.DoesNotContain(secret, analyzed, StringComparison.Ordinal);
            Assert.DoesNotContain(secret, log.ToString(), StringComparison.Ordinal);
        }

        // Every message field, one by one (the loop above reads the raw text; this makes sure JSON escaping hides nothing).
        var json = JsonDocument.Parse(text).RootElement;
        var messages = json.GetProperty("errors").EnumerateArray().Concat(json.GetProperty("warnings").EnumerateArray())
            .SelectMany(m => new[] { m.GetProperty("source").GetString()!, m.GetProperty("message").GetString()! })
            .Concat(json.GetProperty("modules").EnumerateArray().Select(m => m.TryGetProperty("error", out var e) ? e.GetString() ?? "" : ""))
            .ToList();
        Assert.NotEmpty(messages);
        Assert.All(messages, m => Assert.DoesNotContain("hunter2", m, StringComparison.Ordinal));
    }
}
