using System.Text.RegularExpressions;
using Keel.Repository.Metadata;
using Keel.Tests;

namespace Keel.Repository.Tests;

/// <summary>comps parsing against libcomps' and createrepo_c's sample files.</summary>
public sealed class CompsTests
{
    private static string Libcomps(string name) => TestPaths.Oracle("libcomps", "libcomps", "tests", name);

    private static CompsDocument Read(string path)
    {
        using var s = Keel.Compression.Decompression.OpenFile(path);
        return CompsReader.Read(s, path);
    }

    private static int CountTopLevel(string xml, string element) => Regex.Count(xml, $"^  <{element}>", RegexOptions.Multiline);

    [Theory]
    [InlineData("fedora_comps.xml")]
    [InlineData("f21-rawhide-comps.xml")]
    [InlineData("sample_comps.xml")]
    [InlineData("sample-comps.xml")]
    [InlineData("sample-good.xml")]
    [InlineData("main_comps2.xml")]
    [InlineData("main_arches.xml")]
    [InlineData("sample-comps-dtd.xml")]
    public void GoodFiles_HaveTheGroupsEnvironmentsAndCategoriesTheXmlHas(string name)
    {
        var path = Libcomps(name);
        var xml = File.ReadAllText(path);
        var doc = Read(path);
        Assert.Equal(Regex.Count(xml, "<group(\\s[^>]*)?>"), doc.Groups.Count);
        Assert.Equal(Regex.Count(xml, "<environment(\\s[^>]*)?>"), doc.Environments.Count);
        Assert.Equal(Regex.Count(xml, "<category(\\s[^>]*)?>"), doc.Categories.Count);
        Assert.Equal(Regex.Count(xml, "<packagereq[^>/]*>\\s*[^<\\s][^<]*</packagereq>"), doc.Groups.Sum(g => g.Packages.Count));
    }

    [Fact]
    public void FedoraComps_GroupDetails()
    {
        var doc = Read(Libcomps("fedora_comps.xml"));
        Assert.Equal(227, doc.Groups.Count);
        var conditional = doc.Groups.SelectMany(g => g.Packages).Where(p => p.Type == CompsPackageType.Conditional).ToArray();
        Assert.Equal(74, conditional.Length);
        Assert.All(conditional, p => Assert.False(string.IsNullOrEmpty(p.Requires)));
        var admin = doc.Groups.Single(g => g.Id == "admin-tools");
        Assert.Equal("Administration Tools", admin.Name);
    }

    [Fact]
    public void GroupWithoutId_IsAnError()
    {
        var path = Libcomps("sample_comps_bad1.xml");
        var ex = Assert.Throws<InvalidDataException>(() => Read(path));
        Assert.Contains(path, ex.Message, StringComparison.Ordinal);
        Assert.Contains("group without an <id>", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void NotWellFormed_IsAnError()
    {
        var path = Libcomps("sample-elem-error.xml");
        var ex = Assert.Throws<InvalidDataException>(() => Read(path));
        Assert.Contains(path, ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("sample-bad-elem.xml")]
    [InlineData("sample-wrong-param.xml")]
    [InlineData("sample-wrong-dtd.xml")]
    [InlineData("sample_comps_bad2.xml")]
    [InlineData("sample_comps_bad3.xml")]
    public void OddButWellFormed_IsReadLeniently(string name)
    {
        var path = Libcomps(name);
        var xml = File.ReadAllText(path);
        var doc = Read(path);
        Assert.Equal(Regex.Count(xml, "<group>"), doc.Groups.Count);
    }

    [Fact]
    public void WrongBooleans_ReadAsFalse()
    {
        var doc = Read(Libcomps("sample-wrong-param.xml"));
        var g = doc.Groups[0];
        Assert.False(g.IsDefault);
        Assert.False(g.UserVisible);
    }

    [Theory]
    [InlineData("comps-f19.xml")]
    [InlineData("36c4f2d6dda3b015b4a7da59552c7c76eff99a59979178513cb51341f6eead44-comps-f19.xml")]
    [InlineData("71d988ca33b31a18b0d775478d6f59b40583c794ae76393284850ee97bfba4dc-comps-f19.xml.gz")]
    [InlineData("0402e012013246e7e2f2f638c8a6046efdfd71ae1cbeff9c391d9c1ae5d7d431-comps-f19.xml.bz2")]
    [InlineData("c941e2c77a27cdca324c0e0bc3190e134fddddb36a03fb5517e55d156b955205-comps-f19.xml.xz")]
    public void CreaterepoComps_AllCompressionsGiveTheSameDocument(string name)
    {
        var plain = Read(TestSupport.CreaterepoData("other_metadata", "comps-f19.xml"));
        var doc = Read(TestSupport.CreaterepoData("other_metadata", name));
        Assert.Equal(plain.Groups.Select(g => g.Id), doc.Groups.Select(g => g.Id));
        Assert.Equal(plain.Groups.Sum(g => g.Packages.Count), doc.Groups.Sum(g => g.Packages.Count));
        Assert.NotEmpty(doc.Groups);
    }
}
