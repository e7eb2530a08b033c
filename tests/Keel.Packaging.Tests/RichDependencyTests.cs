namespace Keel.Packaging.Tests;

public class RichDependencyTests
{
    [Fact]
    public void Parses_nested_operators_with_versions()
    {
        var dep = Assert.IsType<RichNode>(RichDependency.Parse("(pkgA >= 1.2 or (pkgB if pkgC else pkgD))"));
        Assert.Equal(RichOperator.Or, dep.Operator);
        var leaf = Assert.IsType<RichLeaf>(dep.Operands[0]);
        Assert.Equal("pkgA", leaf.Dependency.Name);
        Assert.Equal(DependencyFlags.Greater | DependencyFlags.Equal, leaf.Dependency.Flags);
        Assert.Equal("1.2", leaf.Dependency.Evr!.Version);
        var cond = Assert.IsType<RichNode>(dep.Operands[1]);
        Assert.Equal(RichOperator.If, cond.Operator);
        Assert.Equal("pkgD", Assert.IsType<RichLeaf>(cond.Else).Dependency.Name);
    }

    [Theory]
    [InlineData("(a and b and c)", RichOperator.And, 3)]
    [InlineData("(a or b)", RichOperator.Or, 2)]
    [InlineData("(a with b)", RichOperator.With, 2)]
    [InlineData("(a without b)", RichOperator.Without, 2)]
    [InlineData("(a unless b)", RichOperator.Unless, 2)]
    [InlineData("(perl(Foo::Bar) >= 1.0 and python3.11dist(six))", RichOperator.And, 2)]
    public void Parses_each_operator(string text, RichOperator op, int operands)
    {
        var node = Assert.IsType<RichNode>(RichDependency.Parse(text));
        Assert.Equal(op, node.Operator);
        Assert.Equal(operands, node.Operands.Count);
    }

    [Fact]
    public void A_name_with_parentheses_stays_one_name()
    {
        var node = Assert.IsType<RichNode>(RichDependency.Parse("(perl(Foo::Bar) >= 1.0 and b)"));
        Assert.Equal("perl(Foo::Bar)", Assert.IsType<RichLeaf>(node.Operands[0]).Dependency.Name);
    }

    [Theory]
    [InlineData("(a or b and c)")]
    [InlineData("(a frob b)")]
    [InlineData("(a or b")]
    [InlineData("(a >= )")]
    [InlineData("(a if b else c else d)")]
    [InlineData("()")]
    public void Malformed_expressions_are_rejected_with_the_text(string text)
    {
        var ex = Assert.Throws<FormatException>(() => RichDependency.Parse(text));
        Assert.Contains(text, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Deep_nesting_is_bounded()
    {
        var text = new string('(', 100) + "a" + new string(')', 100);
        Assert.Throws<FormatException>(() => RichDependency.Parse(text));
    }

    [Fact]
    public void Round_trips_through_ToString()
    {
        const string text = "(a >= 1.0 or (b if c else d))";
        Assert.Equal(text, RichDependency.Parse(text).ToString());
    }
}
