using Checkpointing.Studies;

namespace Checkpointing.Tests.Studies;

/// <summary>Declaring parameters: fluent building, and every invalid name or range refused with a message that says why.</summary>
public sealed class SearchSpaceTests
{
    [Fact]
    public void Add_Fluent_KeepsDeclarationOrderAndDefinitions()
    {
        var space = new SearchSpace()
            .AddFloat("lr", 1e-5, 0.1, log: true)
            .AddInt("hidden", 8, 128)
            .AddCategorical("optimizer", "sgd", "adam");

        Assert.Equal(["lr", "hidden", "optimizer"], space.Parameters.Select(p => p.Name));
        var lr = space["lr"];
        Assert.Equal((ParameterKind.Float, 1e-5, 0.1, true), (lr.Kind, lr.Low, lr.High, lr.Log));
        Assert.Equal((ParameterKind.Int, 8.0, 128.0, false), (space["hidden"].Kind, space["hidden"].Low, space["hidden"].High, space["hidden"].Log));
        Assert.Equal(["sgd", "adam"], space["optimizer"].Choices);
        Assert.Equal("lr: float [1E-05, 0.1] log", lr.ToString());
        Assert.Equal("optimizer: categorical {sgd, adam}", space["optimizer"].ToString());
    }

    [Theory]
    [InlineData("")]
    [InlineData("  ")]
    public void Add_EmptyName_Throws(string name)
    {
        Assert.Throws<ArgumentException>(() => new SearchSpace().AddFloat(name, 0, 1));
        Assert.Throws<ArgumentException>(() => new SearchSpace().AddInt(name, 0, 1));
        Assert.Throws<ArgumentException>(() => new SearchSpace().AddCategorical(name, "a"));
    }

    [Fact]
    public void Add_DuplicateName_ThrowsNamingIt()
    {
        var space = new SearchSpace().AddFloat("x", 0, 1);

        var ex = Assert.Throws<ArgumentException>(() => space.AddInt("x", 0, 3));

        Assert.Contains("'x'", ex.Message, StringComparison.Ordinal);
        Assert.Single(space.Parameters);
    }

    [Theory]
    [InlineData(1.0, 1.0, false)]
    [InlineData(2.0, 1.0, false)]
    [InlineData(double.NaN, 1.0, false)]
    [InlineData(0.0, double.PositiveInfinity, false)]
    [InlineData(0.0, 1.0, true)]
    [InlineData(-1.0, 1.0, true)]
    public void AddFloat_InvalidRange_ThrowsAndAddsNothing(double low, double high, bool log)
    {
        var space = new SearchSpace();

        var ex = Assert.Throws<ArgumentException>(() => space.AddFloat("x", low, high, log));

        Assert.Contains("'x'", ex.Message, StringComparison.Ordinal);
        Assert.Empty(space.Parameters);
    }

    [Theory]
    [InlineData(3, 3, false)]
    [InlineData(4, 3, false)]
    [InlineData(0, 10, true)]
    public void AddInt_InvalidRange_Throws(int low, int high, bool log) =>
        Assert.Throws<ArgumentException>(() => new SearchSpace().AddInt("n", low, high, log));

    [Fact]
    public void AddCategorical_NoDuplicateOrNullChoices()
    {
        Assert.Throws<ArgumentException>(() => new SearchSpace().AddCategorical("c"));
        Assert.Throws<ArgumentException>(() => new SearchSpace().AddCategorical("c", "a", "a"));
        Assert.Throws<ArgumentException>(() => new SearchSpace().AddCategorical("c", "a", null!));
        Assert.Throws<ArgumentNullException>(() => new SearchSpace().AddCategorical("c", null!));
    }

    [Fact]
    public void AddCategorical_CallerChangesArrayLater_DefinitionUnchanged()
    {
        var choices = new[] { "a", "b" };
        var space = new SearchSpace().AddCategorical("c", choices);

        choices[0] = "z";

        Assert.Equal(["a", "b"], space["c"].Choices);
    }

    [Fact]
    public void Indexer_UnknownName_ThrowsKeyNotFound() =>
        Assert.Throws<KeyNotFoundException>(() => new SearchSpace().AddFloat("x", 0, 1)["y"]);

    [Fact]
    public void Contains_ChecksKindAndRange()
    {
        var space = new SearchSpace().AddFloat("f", 0, 1).AddInt("i", 1, 3).AddCategorical("c", "a", "b");

        Assert.True(space["f"].Contains(ParameterValue.FromFloat(1.0)));
        Assert.False(space["f"].Contains(ParameterValue.FromFloat(1.5)));
        Assert.False(space["f"].Contains(ParameterValue.FromInt(1)));
        Assert.True(space["i"].Contains(ParameterValue.FromInt(3)));
        Assert.False(space["i"].Contains(ParameterValue.FromInt(4)));
        Assert.True(space["c"].Contains(ParameterValue.FromCategorical("b")));
        Assert.False(space["c"].Contains(ParameterValue.FromCategorical("B")));
    }
}
