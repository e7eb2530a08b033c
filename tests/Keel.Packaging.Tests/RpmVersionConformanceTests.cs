namespace Keel.Packaging.Tests;

/// <summary>rpmvercmp against every active case of rpm's rpmvercmp.at.</summary>
public class RpmVersionConformanceTests
{
    public static TheoryData<string, string, int> Cases()
    {
        var data = new TheoryData<string, string, int>();
        foreach (var (a, b, expected) in RpmOracleTables.VercmpCases())
        {
            data.Add(a, b, expected);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Compare_matches_rpmvercmp_at(string a, string b, int expected)
    {
        Assert.Equal(expected, RpmVersion.Compare(a, b));
    }

    [Fact]
    public void The_oracle_table_is_complete()
    {
        // rpm 4.20+'s table has 100+ active cases; a parse regression that silently drops them must fail.
        Assert.True(RpmOracleTables.VercmpCases().Count() >= 90);
    }

    [Theory]
    [InlineData("1.0", "1.0", 0)]
    [InlineData("1.0~rc1", "1.0", -1)]
    [InlineData("1.0^git1", "1.0", 1)]
    [InlineData("1.0^git1", "1.0.1", -1)]
    [InlineData("1.0~rc1^git1", "1.0~rc1", 1)]
    public void Compare_is_antisymmetric(string a, string b, int expected)
    {
        Assert.Equal(expected, RpmVersion.Compare(a, b));
        Assert.Equal(-expected, RpmVersion.Compare(b, a));
    }
}
