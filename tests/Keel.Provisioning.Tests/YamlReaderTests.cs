using Keel.Provisioning.Config;

namespace Keel.Provisioning.Tests;

/// <summary>PyYAML safe_load resolution rules that cloud-config semantics depend on.</summary>
public sealed class YamlReaderTests
{
    [Theory]
    [InlineData("yes", ScalarKind.Boolean, "true")]
    [InlineData("Off", ScalarKind.Boolean, "false")]
    [InlineData("0644", ScalarKind.Integer, "420")]
    [InlineData("493", ScalarKind.Integer, "493")]
    [InlineData("0x1f", ScalarKind.Integer, "31")]
    [InlineData("1_000", ScalarKind.Integer, "1000")]
    [InlineData("190:20:30", ScalarKind.Integer, "685230")]
    [InlineData("~", ScalarKind.Null, "")]
    [InlineData("1.5", ScalarKind.Float, "1.5")]
    [InlineData("1e3", ScalarKind.String, "1e3")]
    [InlineData("y", ScalarKind.String, "y")]
    [InlineData("'0644'", ScalarKind.String, "0644")]
    [InlineData("!!str 12", ScalarKind.String, "12")]
    public void Scalars_resolve_like_pyyaml(string yaml, ScalarKind kind, string text)
    {
        var node = (CloudMap)YamlConfigReader.Parse("k: " + yaml, "t")!;
        var s = Assert.IsType<CloudScalar>(node["k"]);
        Assert.Equal(kind, s.Kind);
        Assert.Equal(text, s.Text);
    }

    [Fact]
    public void Binary_and_merge_keys_and_lines()
    {
        var map = YamlConfigReader.ParseMap("base: &b {x: 1, y: 2}\nother:\n  <<: *b\n  y: 3\nbin: !!binary |\n  aGVsbG8=\n", "t");
        Assert.Equal("""{"x":1,"y":3}""", CloudJson.Serialize(map["other"], false));
        Assert.Equal("hello", System.Text.Encoding.UTF8.GetString(((CloudScalar)map["bin"]!).GetBytes()));
        Assert.Equal(2, map.KeyLine("other"));
    }

    [Fact]
    public void Malformed_yaml_names_source_and_line()
    {
        var ex = Assert.Throws<FormatException>(() => YamlConfigReader.Parse("a: [1, 2\nb: c\n", "user-data"));
        Assert.StartsWith("user-data:", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', ex.Message);
    }

    [Fact]
    public void Unknown_tag_and_non_mapping_rejected()
    {
        Assert.Throws<FormatException>(() => YamlConfigReader.Parse("a: !!python/object x", "t"));
        Assert.Throws<FormatException>(() => YamlConfigReader.ParseMap("- a", "t"));
    }

    [Fact]
    public void Deep_nesting_is_bounded()
    {
        var deep = new string('[', 200) + new string(']', 200);
        Assert.Throws<FormatException>(() => YamlConfigReader.Parse(deep, "t"));
    }
}
