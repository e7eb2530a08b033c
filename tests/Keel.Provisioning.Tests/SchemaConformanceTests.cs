using Keel.Provisioning.Config;
using Keel.Provisioning.Schema;
using Keel.Tests;

namespace Keel.Provisioning.Tests;

/// <summary>
/// Every cloud-config document in the oracle tree, validated against cloud-init's schemas. The expected verdicts are the
/// ones python-jsonschema's Draft4Validator gave (listed in ../shared/oracles/SOURCES-provisioning.md), not Keel's output.
/// </summary>
public sealed class SchemaConformanceTests
{
    private static readonly CloudConfigSchema Schema2242 = CloudConfigSchema.Load(TestPaths.Oracle("cloud-init-22.4.2", "cloudinit", "config", "schemas", "schema-cloud-config-v1.json"));
    private static readonly CloudConfigSchema SchemaHead = CloudConfigSchema.Load(TestPaths.Oracle("cloud-init-HEAD", "cloudinit", "config", "schemas", "schema-cloud-config-v1.json"));

    // From SOURCES-provisioning.md: documents the 22.4.2 schema rejects, with the config path the first error names.
    private static readonly Dictionary<string, string> Invalid2242 = new(StringComparer.Ordinal)
    {
        ["cloud-init-HEAD/doc/examples/cloud-config-ansible-pull.txt"] = "ansible.pull",
        ["cloud-init-HEAD/doc/examples/cloud-config-user-groups.txt"] = "users.",
        ["cloud-init-HEAD/doc/module-docs/cc_ansible/example1.yaml"] = "ansible.pull",
        ["cloud-init-HEAD/doc/module-docs/cc_ansible/example2.yaml"] = "ansible.pull",
        ["cloud-init-HEAD/doc/module-docs/cc_grub_dpkg/example1.yaml"] = "grub_dpkg",
        ["cloud-init-HEAD/doc/module-docs/cc_locale/example3.yaml"] = "locale",
        ["cloud-init-HEAD/doc/module-docs/cc_package_update_upgrade_install/example1.yaml"] = "packages.",
        ["cloud-init-HEAD/doc/module-docs/cc_rh_subscription/example2.yaml"] = "rh_subscription",
        ["cloud-init-HEAD/doc/module-docs/cc_rsyslog/example3.yaml"] = "rsyslog",
        ["cloud-init-HEAD/doc/module-docs/cc_users_groups/example4.yaml"] = "users.",
        ["cloud-init-HEAD/doc/module-docs/cc_write_files/example6.yaml"] = "write_files.0",
        ["cloud-init-HEAD/tests/data/user_data.1.txt"] = "write_files.0.permissions",
        ["cloud-init-22.4.2/tests/data/user_data.1.txt"] = "write_files.0.permissions",
    };

    private static readonly Dictionary<string, string> InvalidHead = new(StringComparer.Ordinal)
    {
        ["cloud-init-HEAD/tests/data/user_data.1.txt"] = "write_files.0.permissions",
        ["cloud-init-22.4.2/tests/data/user_data.1.txt"] = "write_files.0.permissions",
    };

    public static IEnumerable<string> Documents()
    {
        var roots = new[]
        {
            ("cloud-init-HEAD/doc/examples", "cloud-config-*.txt"),
            ("cloud-init-HEAD/doc/module-docs", "*.yaml"),
            ("cloud-init-HEAD/tests/data", "user_data.1.txt"),
            ("cloud-init-22.4.2/tests/data", "user_data.1.txt"),
            ("cloud-init-HEAD/tests/data/kernel_cmdline_match", "*-data"),
            ("cloud-init-HEAD/doc/examples/seed", "user-data"),
            ("cloud-init-HEAD/doc/sources/ovf", "user-data"),
        };
        foreach (var (dir, pattern) in roots)
        {
            foreach (var f in Directory.GetFiles(TestPaths.Oracle(dir), pattern, SearchOption.AllDirectories).Order(StringComparer.Ordinal))
            {
                var head = File.ReadLines(f).FirstOrDefault() ?? "";
                if (head.StartsWith("#cloud-config-archive", StringComparison.Ordinal) || !File.ReadAllText(f).Contains("#cloud-config", StringComparison.Ordinal))
                {
                    continue;
                }

                yield return Path.GetRelativePath(TestPaths.Oracles, f);
            }
        }
    }

    public static TheoryData<string> DocumentData() => new(Documents());

    [Fact]
    public void The_oracle_set_is_the_expected_size()
    {
        // 17 doc/examples + the shared module-docs + 6 user-data samples; the split keeps 90 module docs here.
        Assert.InRange(Documents().Count(), 100, 130);
        Assert.All(Invalid2242.Keys, k => Assert.Contains(k, Documents()));
    }

    [Theory]
    [MemberData(nameof(DocumentData))]
    public void Validates_like_jsonschema_against_22_4_2(string relative) => AssertVerdict(Schema2242, Invalid2242, relative);

    [Theory]
    [MemberData(nameof(DocumentData))]
    public void Validates_like_jsonschema_against_head(string relative) => AssertVerdict(SchemaHead, InvalidHead, relative);

    private static void AssertVerdict(CloudConfigSchema schema, Dictionary<string, string> invalid, string relative)
    {
        var path = Path.Combine(TestPaths.Oracles, relative);
        var report = schema.Validate(YamlConfigReader.Parse(File.ReadAllText(path), relative));
        if (invalid.TryGetValue(relative, out var expectedPath))
        {
            Assert.False(report.IsValid, relative + " should be invalid");
            Assert.Contains(report.Errors, e => e.Path.StartsWith(expectedPath, StringComparison.Ordinal));
            Assert.All(report.Errors, e => Assert.True(e.Line > 0));
        }
        else
        {
            Assert.True(report.IsValid, relative + ": " + string.Join("; ", report.Errors));
        }
    }

    [Fact]
    public void Errors_carry_yaml_lines_and_unknown_keys_only_warn()
    {
        var yaml = "#cloud-config\nhostname: web1\nfrobnicate: 1\nwrite_files:\n  - path: /etc/x\n    permissions: 493\nusers:\n  - name: bob\n    lock_passwd: maybe\n";
        var report = Schema2242.Validate(YamlConfigReader.Parse(yaml, "t"));
        var perm = Assert.Single(report.Errors, e => e.Path == "write_files.0.permissions");
        Assert.Equal(6, perm.Line);
        Assert.Contains("is not of type 'string'", perm.Message, StringComparison.Ordinal);
        Assert.Contains(report.Errors, e => e.Path.StartsWith("users.0", StringComparison.Ordinal) && e.Line >= 8);
        var unknown = Assert.Single(report.Warnings, w => w.Path == "frobnicate");
        Assert.Equal(3, unknown.Line);

        var head = SchemaHead.Validate(YamlConfigReader.Parse("#cloud-config\nfrobnicate: 1\n", "t"));
        Assert.True(head.IsValid);
        Assert.Single(head.Warnings, w => w.Path == "frobnicate");
    }

    [Fact]
    public void Deprecated_keys_warn()
    {
        var report = Schema2242.Validate(YamlConfigReader.Parse("#cloud-config\napt_update: true\n", "t"));
        Assert.True(report.IsValid);
        Assert.Contains(report.Warnings, w => w.Path == "apt_update" && w.Message.Contains("deprecated", StringComparison.Ordinal));
    }

    [Fact]
    public void Embedded_schema_is_22_4_2()
    {
        var embedded = CloudConfigSchema.LoadEmbedded();
        Assert.NotNull(embedded);
        Assert.False(embedded.Validate(YamlConfigReader.Parse(File.ReadAllText(TestPaths.Oracle("cloud-init-HEAD", "doc", "module-docs", "cc_locale", "example3.yaml")), "x")).IsValid);
    }
}
