using Keel.Config.Loading;
using Keel.Config.Model;

namespace Keel.Installer.Tests;

public sealed class ConfigRedactionTests
{
    internal const string Hash = "$6$keelsalt$adR89VrBrrk19uT8cXRxLKZA8j3KLVrBtHlP9uo4oahdg9oqPUe6x73mqmBSjoKGa30oS4ssrgafKApJfHGa9.";

    internal const string SshKey = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHv2xd6wPc7uYBp1aN6cjVrqLTtq0WGu5s3yNQ4eKc1J admin@keel";

    private static MachineConfig Parse(string text)
    {
        var result = ConfigLoader.Parse(text, "test.yaml", Path.GetTempPath());
        Assert.False(result.HasErrors, string.Join("\n", result.Diagnostics));
        return result.Config!.Config;
    }

    [Fact]
    public void Password_hashes_and_the_luks_passphrase_go_and_public_keys_stay()
    {
        var config = Parse($"""
            apiVersion: keel/v1
            kind: Machine
            distribution: fixture
            preset: container-host
            storage:
              disk: {"{"}transport: virtio, empty: true{"}"}
              encryption: {"{"}type: luks2, passphrase: "correct horse battery staple"{"}"}
            users:
              - name: root
                passwordHash: "{Hash}"
              - name: admin
                passwordHash: "{Hash}"
                sshAuthorizedKeys: ["{SshKey}"]
            """);
        var used = new RepositoryConfig { Id = "keel-fixture", Path = "/run/keel/medium/repo", Gpgkeys = ["/run/keel/medium/repo/KEY"] };
        var text = ConfigRedaction.Redact(config, "keel.config=http://h/c.yaml", [used], DateTimeOffset.FromUnixTimeSeconds(1735689600));

        Assert.DoesNotContain(Hash, text, StringComparison.Ordinal);
        Assert.DoesNotContain("$6$", text, StringComparison.Ordinal);
        Assert.DoesNotContain("correct horse", text, StringComparison.Ordinal);
        Assert.Contains(SshKey, text, StringComparison.Ordinal);
        Assert.StartsWith("# The config keel installer used on 2025-01-01 00:00 UTC, from keel.config=http://h/c.yaml.\n"
            + "# Secrets removed (add them back to replay it): users[root].passwordHash, users[admin].passwordHash, storage.encryption.passphrase.\n", text, StringComparison.Ordinal);

        // What is saved is a config again: it loads, with the selector, the users and the repositories used.
        var saved = Parse(text);
        Assert.Equal("virtio", saved.Storage.Disk!.Transport);
        Assert.Equal(["root", "admin"], saved.Users.Select(u => u.Name));
        Assert.All(saved.Users, u => Assert.Null(u.PasswordHash));
        Assert.Equal("/run/keel/medium/repo", Assert.Single(saved.Repositories).Path);
    }

    [Fact]
    public void A_config_without_secrets_says_so()
    {
        var text = ConfigRedaction.Redact(Parse("apiVersion: keel/v1\nkind: Machine\n"), "the medium");
        Assert.Contains("# It held no secrets.\n", text, StringComparison.Ordinal);
    }
}
