using Checkpointing.Studies;

namespace Checkpointing.Tests.Studies;

/// <summary>The normal CDF used by TPE against reference values (0.5·erfc(-x/√2) in double precision).</summary>
public sealed class NormalMathTests
{
    [Theory]
    [InlineData(-20.0, 2.7536241186063314e-89)]
    [InlineData(-8.0, 6.220960574271819e-16)]
    [InlineData(-3.0, 0.0013498980316300957)]
    [InlineData(-1.0, 0.15865525393145707)]
    [InlineData(0.0, 0.5)]
    [InlineData(0.5, 0.6914624612740131)]
    [InlineData(2.0, 0.9772498680518208)]
    public void Cdf_MatchesReferenceToRelative1e8(double x, double expected)
    {
        var actual = NormalMath.Cdf(x);

        Assert.True(Math.Abs(actual - expected) <= 1e-8 * expected, $"Φ({x}) = {actual:R}, expected {expected:R}");
    }

    [Fact]
    public void Mass_FarUpperTail_StaysPositive()
    {
        var mass = NormalMath.Mass(9.0, 9.5);

        Assert.InRange(mass, 1e-20, 2e-19);
    }

    [Fact]
    public void LogSumExp_LargeValues_NoOverflow()
    {
        Assert.Equal(1000 + Math.Log(2), NormalMath.LogSumExp([1000, 1000]), 12);
        Assert.Equal(double.NegativeInfinity, NormalMath.LogSumExp([double.NegativeInfinity]));
    }
}
