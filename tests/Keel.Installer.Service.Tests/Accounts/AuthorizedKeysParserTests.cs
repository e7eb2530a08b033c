using Keel.Installer.Service.Accounts;
using Keel.Processes;

namespace Keel.Installer.Service.Tests.Accounts;

public sealed class AuthorizedKeysParserTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("keel-keys-test-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    private async Task<string> GenerateAsync(string type, string bits, string comment)
    {
        var file = Path.Combine(dir, $"{type}-{bits}");
        await ToolRunner.RunAsync(new ToolOptions(), "ssh-keygen", ["-q", "-t", type, "-b", bits, "-N", "", "-C", comment, "-f", file], CancellationToken.None);
        return file + ".pub";
    }

    [Theory]
    [InlineData("ed25519", "256", "ssh-ed25519")]
    [InlineData("rsa", "2048", "ssh-rsa")]
    [InlineData("ecdsa", "256", "ecdsa-sha2-nistp256")]
    [InlineData("ecdsa", "384", "ecdsa-sha2-nistp384")]
    [InlineData("ecdsa", "521", "ecdsa-sha2-nistp521")]
    public async Task Type_fingerprint_and_comment_equal_what_ssh_keygen_says(string type, string bits, string keyType)
    {
        var pub = await GenerateAsync(type, bits, "someone@somewhere");
        var listed = (await ToolRunner.RunAsync(new ToolOptions(), "ssh-keygen", ["-lf", pub], CancellationToken.None)).Output.Split(' ');

        var key = Assert.Single(AuthorizedKeysParser.Parse(await File.ReadAllTextAsync(pub), "/dev/sdb1", Path.GetFileName(pub)));
        Assert.True(key.Valid, key.Problem);
        Assert.Equal(keyType, key.Type);
        Assert.Equal(listed[1], key.Fingerprint);
        Assert.Equal("someone@somewhere", key.Comment);
        Assert.Equal((await File.ReadAllTextAsync(pub)).Trim(), key.KeyLine);
        Assert.Equal(1, key.Line);
        Assert.Null(AuthorizedKeysParser.Validate(key.KeyLine!));
    }

    // Security-key types need the token to generate, not to fingerprint: the blob is built here from its wire format
    // (PROTOCOL.u2f: type, key, application) and ssh-keygen fingerprints the .pub file.
    [Theory]
    [InlineData("sk-ssh-ed25519@openssh.com")]
    [InlineData("sk-ecdsa-sha2-nistp256@openssh.com")]
    public async Task Security_key_types_are_fingerprinted_as_ssh_keygen_does(string type)
    {
        var ecdsa = (await File.ReadAllTextAsync(await GenerateAsync(type.Contains("ecdsa", StringComparison.Ordinal) ? "ecdsa" : "ed25519", "256", "x"))).Split(' ')[1];
        var inner = new MemoryStream(Convert.FromBase64String(ecdsa));
        var fields = new List<byte[]>();
        while (inner.Position < inner.Length)
        {
            var length = new byte[4];
            inner.ReadExactly(length);
            var field = new byte[System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(length)];
            inner.ReadExactly(field);
            fields.Add(field);
        }

        // Replace the type, keep the key fields, add the application string.
        var blob = new MemoryStream();
        foreach (var field in (byte[][])[System.Text.Encoding.ASCII.GetBytes(type), .. fields.Skip(1), "ssh:"u8.ToArray()])
        {
            var length = new byte[4];
            System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(length, field.Length);
            blob.Write(length);
            blob.Write(field);
        }

        var line = $"{type} {Convert.ToBase64String(blob.ToArray())} token@desk";
        var pub = Path.Combine(dir, "sk.pub");
        await File.WriteAllTextAsync(pub, line + "\n");
        var listed = (await ToolRunner.RunAsync(new ToolOptions(), "ssh-keygen", ["-lf", pub], CancellationToken.None)).Output.Split(' ');

        var key = Assert.Single(AuthorizedKeysParser.Parse(line, "v", "sk.pub"));
        Assert.True(key.Valid, key.Problem);
        Assert.Equal(type, key.Type);
        Assert.Equal(listed[1], key.Fingerprint);
    }

    [Fact]
    public async Task An_authorized_keys_file_with_options_comments_blank_lines_and_bad_lines()
    {
        var ed = (await File.ReadAllTextAsync(await GenerateAsync("ed25519", "256", "a@b"))).Trim().Split(' ');
        var rsa = (await File.ReadAllTextAsync(await GenerateAsync("rsa", "2048", "c@d"))).Trim().Split(' ');
        var text = string.Join('\n',
            "# a comment",
            $"from=\"10.0.0.1\",no-pty,command=\"echo a b\" {ed[0]} {ed[1]} key with options",
            "",
            "ssh-ed25519 AAAA#not-base64 x",
            $"ssh-rsa {ed[1]} liar",
            $"  {rsa[0]} {rsa[1]}\r",
            "ssh-dss AAAAB3NzaC1kc3MAAACBAP old",
            $"{ed[0]}",
            "ssh-rsa QUJD short") + "\n";

        var keys = AuthorizedKeysParser.Parse(text, "/dev/sdb1", "authorized_keys");

        Assert.Equal([2, 4, 5, 6, 7, 8, 9], keys.Select(k => k.Line));
        var withOptions = keys[0];
        Assert.True(withOptions.Valid);
        Assert.Equal("key with options", withOptions.Comment);
        Assert.Equal($"from=\"10.0.0.1\",no-pty,command=\"echo a b\" {ed[0]} {ed[1]} key with options", withOptions.KeyLine);
        Assert.Equal("line 4: not base64", keys[1].Problem);
        Assert.Equal("line 5: type says ssh-rsa, key is ssh-ed25519", keys[2].Problem);
        Assert.True(keys[3].Valid);
        Assert.Null(keys[3].Comment);
        Assert.Equal($"{rsa[0]} {rsa[1]}", keys[3].KeyLine);
        Assert.Equal("line 7: unknown key type 'ssh-dss'", keys[4].Problem);
        Assert.Equal("line 8: the key data after the type is missing", keys[5].Problem);
        Assert.Equal("line 9: the key data is not an SSH public key", keys[6].Problem);
        Assert.All(keys.Where(k => !k.Valid), k => Assert.Null(k.KeyLine));
        Assert.All(keys.Where(k => !k.Valid), k => Assert.Null(k.Fingerprint));
        Assert.All(keys, k => Assert.Equal(("/dev/sdb1", "authorized_keys"), (k.Volume, k.File)));

        // The same fingerprint for the same key with or without options.
        var plain = Assert.Single(AuthorizedKeysParser.Parse($"{ed[0]} {ed[1]}", "v", "f"));
        Assert.Equal(plain.Fingerprint, withOptions.Fingerprint);
    }

    [Theory]
    [InlineData("", "the key is empty")]
    [InlineData("# ssh-ed25519 AAAA", "the line is a comment, not a key")]
    [InlineData("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIEdvorNDL4kngPfrhridY7eIC2AW6inToPQMKjS6S6Tx a\nssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIEdvorNDL4kngPfrhridY7eIC2AW6inToPQMKjS6S6Tx b", "one key per line: the text has several lines")]
    [InlineData("ssh-ed25519 !!!", "not base64")]
    [InlineData("hello world", "no key type (ssh-ed25519, ssh-rsa, ecdsa-sha2-nistp256, ...) found")]
    [InlineData("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIEdvorNDL4kngPfrhridY7eIC2AW6inToPQMKjS6S6Tx admin@laptop", null)]
    public void A_pasted_key_is_checked_in_one_line(string line, string? expected)
    {
        Assert.Equal(expected, AuthorizedKeysParser.Validate(line));
    }
}
