namespace Keel.Provisioning.Tests;

/// <summary>ssh_authkey_fingerprints: ~/.ssh made for users with a home, fingerprints as ssh-keygen computes them.</summary>
public sealed class SshAuthkeyFingerprintsModuleTests
{
    private const string Key = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIA2tz/ZC+YztapFBiqQbdiCU1RzqDYSnHB3x12IVP9rn alice@example";

    [Fact]
    public void Users_with_a_home_get_their_ssh_directory_and_fingerprints_are_logged()
    {
        using var t = new TestRoot();
        t.Seed($"#cloud-config\nauthkey_hash: md5\nusers:\n  - name: alice\n    ssh_authorized_keys: [\"{Key}\"]\n  - name: carol\n  - name: svc\n    system: true\n");
        using var log = new StringWriter();
        var status = t.Run(log: log);
        Assert.Equal("ran", status.Modules.Single(m => m.Name == "ssh_authkey_fingerprints").Result);

        var carol = t.Stat("/home/carol", "%u");
        Assert.Equal($"{carol}:{carol} 700", t.Stat("/home/carol/.ssh"));
        Assert.Equal($"{carol}:{carol} 600", t.Stat("/home/carol/.ssh/authorized_keys"));
        Assert.Equal("", t["/home/carol/.ssh/authorized_keys"]);
        Assert.False(Directory.Exists(t.Host("/home/svc")));
        Assert.Contains("ci-info: no authorized SSH keys fingerprints found for user carol.", log.ToString(), StringComparison.Ordinal);

        // The same fingerprint the real ssh-keygen computes (its MD5 form is cloud-init's colon-separated hex).
        var keyFile = Path.Combine(t.Base, "alice.pub");
        File.WriteAllText(keyFile, Key + "\n");
        var md5 = Tool.Run("ssh-keygen", "-l", "-E", "md5", "-f", keyFile).Split(' ')[1]["MD5:".Length..];
        Assert.Contains($"ci-info: ssh-ed25519 {md5} alice@example", log.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void No_ssh_fingerprints_turns_it_off()
    {
        using var t = new TestRoot();
        t.Seed("#cloud-config\nno_ssh_fingerprints: true\nusers:\n  - name: carol\n");
        Assert.Equal("nothing-to-do", t.Run().Modules.Single(m => m.Name == "ssh_authkey_fingerprints").Result);
        Assert.False(Directory.Exists(t.Host("/home/carol/.ssh")));
    }

    [Fact]
    public void Sha256_fingerprints_are_sha256_at_every_padding_boundary_and_equal_ssh_keygen()
    {
        foreach (var length in new[] { 0, 1, 55, 56, 63, 64, 65, 119, 120, 1000 })
        {
            var data = Enumerable.Range(0, length).Select(i => (byte)(i * 7)).ToArray();
            var expected = string.Join(':', System.Security.Cryptography.SHA256.HashData(data).Select(b => b.ToString("x2", System.Globalization.CultureInfo.InvariantCulture)));
            Assert.Equal(expected, Keel.Provisioning.Modules.SshAuthkeyFingerprintsModule.Fingerprint(Convert.ToBase64String(data), "sha256"));
        }

        // ssh-keygen's SHA256 form is the same digest in unpadded base64.
        var file = Path.GetTempFileName();
        try
        {
            File.WriteAllText(file, Key + "\n");
            var b64 = Tool.Run("ssh-keygen", "-l", "-E", "sha256", "-f", file).Split(' ')[1]["SHA256:".Length..];
            var bytes = Convert.FromBase64String(b64 + new string('=', (4 - (b64.Length % 4)) % 4));
            Assert.Equal(string.Join(':', bytes.Select(b => b.ToString("x2", System.Globalization.CultureInfo.InvariantCulture))),
                Keel.Provisioning.Modules.SshAuthkeyFingerprintsModule.Fingerprint(Key.Split(' ')[1], "sha256"));
        }
        finally
        {
            File.Delete(file);
        }
    }
}
