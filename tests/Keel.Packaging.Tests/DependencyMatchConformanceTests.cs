namespace Keel.Packaging.Tests;

/// <summary>Provide/require overlap against every tuple of rpm's rpmdepmatch.at.</summary>
public class DependencyMatchConformanceTests
{
    public static TheoryData<string, string, bool> Cases()
    {
        var data = new TheoryData<string, string, bool>();
        foreach (var (provide, require, match) in RpmOracleTables.DepmatchCases())
        {
            data.Add(string.Join(' ', provide), string.Join(' ', require), match);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Satisfies_matches_rpmdepmatch_at(string provide, string require, bool expected)
    {
        Assert.Equal(expected, Dependency.Parse(provide).Satisfies(Dependency.Parse(require)));
    }

    [Fact]
    public void The_oracle_table_is_complete()
    {
        Assert.Equal(182, RpmOracleTables.DepmatchCases().Count());
    }
}
