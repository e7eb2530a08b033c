namespace Keel.Packaging.Tests;

public class EvrTests
{
    [Theory]
    [InlineData("1.2", null, "1.2", null)]
    [InlineData("1.2-3", null, "1.2", "3")]
    [InlineData("2:1.2-3.fc40", "2", "1.2", "3.fc40")]
    [InlineData("0:1.2", "0", "1.2", null)]
    [InlineData("1.2-3-4", null, "1.2-3", "4")]
    public void Parse_splits_epoch_version_release(string text, string? e, string v, string? r)
    {
        var evr = Evr.Parse(text);
        Assert.Equal(e, evr.Epoch);
        Assert.Equal(v, evr.Version);
        Assert.Equal(r, evr.Release);
        Assert.Equal(text, evr.ToFullString());
    }

    [Theory]
    [InlineData("1:1.0-1", "2.0-1", 1)]
    [InlineData("0:1.0-1", "1.0-1", 0)]
    [InlineData("1.0-1", "1.0-2", -1)]
    [InlineData("1.0", "1.0-1", -1)]
    public void CompareTo_orders_packages_like_rpm(string a, string b, int expected)
    {
        Assert.Equal(expected, Math.Sign(Evr.Parse(a).CompareTo(Evr.Parse(b))));
    }

    [Fact]
    public void ToString_hides_a_zero_epoch_as_rpm_prints_nevras()
    {
        Assert.Equal("1.0-1", Evr.Parse("0:1.0-1").ToString());
        Assert.Equal("3:1.0-1", Evr.Parse("3:1.0-1").ToString());
    }
}
