using Keel.Installer.Service.Accounts;
using Keel.Processes;

namespace Keel.Installer.Service.Tests.Accounts;

public sealed class PasswordHasherTests
{
    // The test vectors of the specification, https://www.akkadia.org/drepper/SHA-crypt.txt ("Test vectors", SHA-512).
    [Theory]
    [InlineData("saltstring", null, "Hello world!", "$6$saltstring$svn8UoSVapNtMuq1ukKS4tPQd8iKwSMHWjl/O817G3uBnIFNjnQJuesI68u4OTLiBFdcbYEdFCoEOfaS35inz1")]
    [InlineData("saltstringsaltstring", 10000, "Hello world!", "$6$rounds=10000$saltstringsaltst$OW1/O6BYHV6BcXZu8QVeXbDWra3Oeqh0sbHbbMCVNSnCM/UrjmM0Dp8vOuZeHBy/YTBmSK6H9qs/y3RnOaw5v.")]
    [InlineData("toolongsaltstring", 5000, "This is just a test", "$6$rounds=5000$toolongsaltstrin$lQ8jolhgVRVhY4b5pZKaysCLi0QBxGoNeKQzQ3glMhwllF7oGDZxUhx1yxdYcz/e1JSbq3y6JMxxl8audkUEm0")]
    [InlineData("anotherlongsaltstring", 1400, "a very much longer text to encrypt.  This one even stretches over morethan one line.", "$6$rounds=1400$anotherlongsalts$POfYwTEok97VWcjxIiSOjiykti.o/pQs.wPvMxQ6Fm7I6IoYN3CmLs66x9t0oSwbtEW7o7UmJEiDwGqd8p4ur1")]
    [InlineData("short", 77777, "we have a short salt string but not a short password", "$6$rounds=77777$short$WuQyW2YR.hBNpjjRhpYD/ifIw05xdfeEyQoMxIXbkvr0gge1a1x3yRULJ5CCaUeOxFmtlcGZelFl5CxtgfiAc0")]
    [InlineData("asaltof16chars..", 123456, "a short string", "$6$rounds=123456$asaltof16chars..$BtCwjqMJGx5hrJhZywWvt0RLE8uZ4oPwcelCjmw2kSYu.Ec6ycULevoBK25fs2xXgMNrCzIMVcgEJAstJeonj1")]
    [InlineData("roundstoolow", 10, "the minimum number is still observed", "$6$rounds=1000$roundstoolow$kUMsbe306n21p9R.FRkW3IGn.S9NPN0x50YhH1xhLsPuWGsUSklZt58jaTfF4ZEQpyUNGc0dqbpBYYBaHHrsX.")]
    public void The_specification_vectors_hash_and_verify(string salt, int? rounds, string password, string expected)
    {
        Assert.Equal(expected, PasswordHasher.Hash(password, salt, rounds));
        Assert.True(PasswordHasher.Verify(password, expected));
        Assert.False(PasswordHasher.Verify(password + "x", expected));
    }

    [Theory]
    [InlineData("x")]
    [InlineData("correct horse battery staple")]
    [InlineData("päßwörd-€-密码")]
    [InlineData("a rather long passphrase that goes on past sixty-four bytes so that digest B is added more than once; and more! 0123456789")]
    public async Task The_hash_equals_openssl_passwd_6_with_the_same_salt(string password)
    {
        var hash = PasswordHasher.Hash(password);
        Assert.Matches(@"^\$6\$[./0-9A-Za-z]{16}\$[./0-9A-Za-z]{86}$", hash);
        var salt = hash.Split('$')[2];

        // The password goes to openssl on stdin so it never shows in a process list.
        var result = await ToolRunner.RunAsync(new ToolOptions { Input = password + "\n" }, "openssl", ["passwd", "-6", "-salt", salt, "-stdin"], CancellationToken.None);
        Assert.Equal(result.Output.Trim(), hash);
        Assert.True(PasswordHasher.Verify(password, hash));
    }

    [Fact]
    public async Task A_rounds_hash_equals_pythons_crypt()
    {
        var hash = PasswordHasher.Hash("Tr0ub4dor&3", 12345);
        var salt = hash.Split('$')[3];
        var script = $"import crypt,sys; print(crypt.crypt(sys.stdin.read(), '$6$rounds=12345${salt}'))";
        var result = await ToolRunner.RunAsync(new ToolOptions { Input = "Tr0ub4dor&3" }, "python3", ["-W", "ignore", "-c", script], CancellationToken.None);
        Assert.Equal(result.Output.Trim(), hash);
        Assert.StartsWith("$6$rounds=12345$", hash, StringComparison.Ordinal);
    }

    [Fact]
    public void Two_hashes_of_one_password_have_different_salts()
    {
        Assert.NotEqual(PasswordHasher.Hash("same"), PasswordHasher.Hash("same"));
    }

    [Fact]
    public void Verify_refuses_what_is_not_a_sha512_crypt_hash()
    {
        Assert.False(PasswordHasher.Verify("x", "$5$salt$abc"));
        Assert.False(PasswordHasher.Verify("x", "$6$nosaltend"));
        Assert.False(PasswordHasher.Verify("x", "$6$rounds=abc$salt$x"));
        Assert.False(PasswordHasher.Verify("x", "plain"));
    }

    [Theory]
    [InlineData("", null, "the password is empty; lock the account or set a password")]
    [InlineData("secret", "secreT", "the two passwords differ")]
    [InlineData("two\nlines", null, "the password has a NUL or line break, which crypt(3) and a console login cannot take")]
    [InlineData("secret", "secret", null)]
    [InlineData("secret", null, null)]
    public void Password_rules(string password, string? again, string? expected)
    {
        Assert.Equal(expected, PasswordRules.Check(password, again));
        if (expected is not null)
        {
            Assert.DoesNotContain(password.Length > 0 ? password : "\u0001", expected, StringComparison.Ordinal);
        }
    }
}
