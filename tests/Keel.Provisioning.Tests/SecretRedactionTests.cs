using Keel.Provisioning.Config;
using Keel.Provisioning.Schema;
using Keel.Tests;

namespace Keel.Provisioning.Tests;

/// <summary>The status file is readable by everyone: schema messages about user entries must not carry passwords.</summary>
public sealed class SecretRedactionTests
{
    [Theory]
    [InlineData("users:\n  - name: bob\n    plain_text_passwd: hunter2-plain\n    hashed_passwd: $6$salt$hunter2hash\n    sudo: 5\n    groups: {a: {b: 1}}\n")]
    [InlineData("users:\n  - name: bob\n    passwd: 5\n    plain_text_passwd: [hunter2-list]\n")]
    [InlineData("chpasswd:\n  users: [{name: bob, password: hunter2-chpasswd, type: 7}]\n  list: [\"bob:hunter2-old\", 5]\n")]
    [InlineData("password: [hunter2-top]\n")]
    public void SchemaMessagesHoldNoPasswords(string yaml)
    {
        var report = CloudConfigSchema.Load(TestPaths.Oracle("cloud-init-22.4.2", "cloudinit", "config", "schemas", "schema-cloud-config-v1.json")).Validate(YamlConfigReader.Parse("#cloud-config\n" + yaml, "user-data"));

        Assert.NotEmpty(report.Issues);
        Assert.All(report.Issues, i => Assert.DoesNotContain("hunter2", i.Message, StringComparison.Ordinal));
    }
}
