using System.Text.RegularExpressions;
using Keel.Provisioning.Config;
using Keel.Provisioning.Merging;
using Keel.Tests;

namespace Keel.Provisioning.Tests;

/// <summary>cloud-init's tests/data/merge_sources: sourceN-M parts merged in order must equal expectedN.</summary>
public sealed partial class MergeConformanceTests
{
    private static readonly string MergeDir = TestPaths.Oracle("cloud-init-HEAD", "tests", "data", "merge_sources");

    public static TheoryData<int> Cases()
    {
        var data = new TheoryData<int>();
        foreach (var f in Directory.GetFiles(MergeDir, "expected*.yaml").Order(StringComparer.Ordinal))
        {
            data.Add(int.Parse(ExpectedPattern().Match(Path.GetFileName(f)).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture));
        }

        return data;
    }

    [Fact]
    public void All_shared_cases_are_present()
    {
        Assert.Equal(8, Cases().Count);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Merge_case_matches_expected(int n)
    {
        var sources = Directory.GetFiles(MergeDir, $"source{n}-*.yaml")
            .OrderBy(f => int.Parse(SourcePattern().Match(Path.GetFileName(f)).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture))
            .Select(f => (YamlConfigReader.ParseMap(File.ReadAllText(f), f), (string?)null))
            .ToList();
        Assert.True(sources.Count >= 2);
        var expectedFile = Path.Combine(MergeDir, $"expected{n}.yaml");
        var expected = YamlConfigReader.ParseMap(File.ReadAllText(expectedFile), expectedFile);

        var merged = ConfigMerge.MergeParts(sources);

        Assert.True(CloudJson.DeepEquals(expected, merged), $"case {n}: expected {CloudJson.Serialize(expected, false)} got {CloudJson.Serialize(merged, false)}");
    }

    [Theory]
    [InlineData("list(append)", "[1,2,3,4]")]
    [InlineData("list(prepend)", "[3,4,1,2]")]
    [InlineData("list(replace)", "[3,4]")]
    [InlineData("list(no_replace)", "[1,2]")]
    public void List_methods(string how, string expected)
    {
        var merger = CloudMerger.FromString(how);
        var a = YamlConfigReader.Parse("[1, 2]", "a");
        var b = YamlConfigReader.Parse("[3, 4]", "b");
        Assert.Equal(expected, CloudJson.Serialize(merger.Merge(a, b), false));
    }

    [Theory]
    [InlineData("dict(replace)", """{"a":{"y":2},"b":null,"c":3}""")]
    [InlineData("dict(no_replace)", """{"a":{"x":1,"y":1},"b":1,"c":3}""")]
    [InlineData("dict(no_replace,allow_delete)", """{"a":{"x":1,"y":1},"c":3}""")]
    public void Dict_methods(string how, string expected)
    {
        var merger = CloudMerger.FromString(how);
        var a = YamlConfigReader.Parse("{a: {x: 1, y: 1}, b: 1}", "a");
        var b = YamlConfigReader.Parse("{a: {y: 2}, b: null, c: 3}", "b");
        Assert.Equal(expected, CloudJson.Serialize(merger.Merge(a, b), false));
    }

    [Fact]
    public void Str_append_only_with_recurse_str()
    {
        var a = YamlConfigReader.Parse("{s: abc}", "a");
        var b = YamlConfigReader.Parse("{s: def}", "b");
        Assert.Equal("""{"s":"abcdef"}""", CloudJson.Serialize(CloudMerger.FromString("dict(recurse_str)+str(append)").Merge(a, b), false));
        Assert.Equal("""{"s":"abc"}""", CloudJson.Serialize(CloudMerger.FromString("dict()+str(append)").Merge(a, b), false));
    }

    [Fact]
    public void Merge_how_list_form_is_read()
    {
        var cfg = YamlConfigReader.ParseMap("merge_how:\n - name: list\n   settings: [append]\n - name: dict\n   settings: [no_replace, recurse_list]\nx: [2]\n", "t");
        var merged = ConfigMerge.MergeParts([(YamlConfigReader.ParseMap("x: [1]", "a"), null), (cfg, null)]);
        Assert.Equal("""{"x":[1,2]}""", CloudJson.Serialize(merged, false));
    }

    [Fact]
    public void Merge_type_header_applies_when_part_has_no_merge_how()
    {
        var merged = ConfigMerge.MergeParts([(YamlConfigReader.ParseMap("x: [1]", "a"), null), (YamlConfigReader.ParseMap("x: [2]", "b"), "dict(recurse_array)+list(append)")]);
        Assert.Equal("""{"x":[1,2]}""", CloudJson.Serialize(merged, false));
    }

    [Fact]
    public void Bad_merge_how_is_a_format_error()
    {
        Assert.Throws<FormatException>(() => MergeHow.Parse("dict(replace"));
        Assert.Throws<FormatException>(() => MergeHow.Parse("tuple()"));
    }

    [Fact]
    public void Merge_many_first_config_wins_and_recurses()
    {
        var user = YamlConfigReader.ParseMap("a: {x: 1}\nl: [1]\n", "u");
        var vendor = YamlConfigReader.ParseMap("a: {x: 2, y: 2}\nl: [9, 8]\nv: 1\n", "v");
        Assert.Equal("""{"a":{"x":1,"y":2},"l":[1],"v":1}""", CloudJson.Serialize(ConfigMerge.MergeMany([user, vendor]), false));
    }

    [GeneratedRegex(@"^expected(\d+)\.yaml$")]
    private static partial Regex ExpectedPattern();

    [GeneratedRegex(@"^source\d+-(\d+)\.yaml$")]
    private static partial Regex SourcePattern();
}
