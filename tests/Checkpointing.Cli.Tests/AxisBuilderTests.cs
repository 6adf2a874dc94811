using Checkpointing.Cli.Reporting;

namespace Checkpointing.Cli.Tests;

public sealed class AxisBuilderTests
{
    [Theory]
    [InlineData(0.13, 0.2)]
    [InlineData(1.0, 1.0)]
    [InlineData(2.5, 5.0)]
    [InlineData(7.0, 10.0)]
    [InlineData(1234.0, 2000.0)]
    public void NiceStep_RoundsUpToOneTwoOrFiveTimesAPowerOfTen(double raw, double expected) =>
        Assert.Equal(expected, AxisBuilder.NiceStep(raw), 12);

    [Fact]
    public void Build_Number_WidensTheRangeToRoundTicks()
    {
        var axis = AxisBuilder.Build(AxisKind.Number, "loss", [0.118, 0.357]);

        Assert.Equal(["0.10", "0.15", "0.20", "0.25", "0.30", "0.35", "0.40"], axis.Ticks.Select(t => t.Label));
        Assert.Equal(0.1, axis.Min, 12);
        Assert.Equal(0.4, axis.Max, 12);
    }

    [Theory]
    [InlineData(0.5, double.MaxValue)]
    [InlineData(-double.MaxValue, double.MaxValue)]
    [InlineData(9.007199254740992E15, 9.007199254740994E15)]
    [InlineData(1.7e18, 1.7e18)]
    public void Build_Number_ExtremeValues_GivesAFewFiniteTicks(double low, double high)
    {
        foreach (var kind in new[] { AxisKind.Number, AxisKind.Count, AxisKind.Bytes, AxisKind.Seconds })
        {
            var axis = AxisBuilder.Build(kind, "value", [low, high]);

            Assert.InRange(axis.Ticks.Count, 1, 1001);
            Assert.True(double.IsFinite(axis.Min) && double.IsFinite(axis.Max), $"{kind}: axis {axis.Min}..{axis.Max}");
            Assert.All(axis.Ticks, t => Assert.True(double.IsFinite(t.Value), $"{kind}: tick {t.Value}"));
        }
    }

    [Theory]
    [InlineData(-62135596790.0, -62135596790.0)]
    [InlineData(253402300790.0, 253402300799.0)]
    [InlineData(-62135596800.0, 253402300799.0)]
    public void Build_Time_AtTheEndsOfTheCalendar_LabelsWithoutThrowing(double first, double last)
    {
        var axis = AxisBuilder.Build(AxisKind.Time, "time", [first, last]);

        Assert.NotEmpty(axis.Ticks);
        Assert.All(axis.Ticks, t => Assert.False(string.IsNullOrEmpty(t.Label)));
    }

    [Fact]
    public void Build_Count_HasIntegerTicksEvenForOnePoint()
    {
        var axis = AxisBuilder.Build(AxisKind.Count, "step", [3]);

        Assert.All(axis.Ticks, t => Assert.Equal(Math.Round(t.Value), t.Value));
        Assert.True(axis.Contains(3));
    }

    [Fact]
    public void Build_Bytes_StartsAtZeroInAUnitThatFitsTheLargest()
    {
        var axis = AxisBuilder.Build(AxisKind.Bytes, "size", [2311, 3502]);

        Assert.Equal(0, axis.Min);
        Assert.Equal(["0 KiB", "1 KiB", "2 KiB", "3 KiB", "4 KiB"], axis.Ticks.Select(t => t.Label));
        Assert.Equal(4096, axis.Ticks[^1].Value);
    }

    [Theory]
    [InlineData(0.04, "ms")]
    [InlineData(2.5, "s")]
    [InlineData(600, "min")]
    [InlineData(20_000, "h")]
    public void Build_Seconds_LabelsInAUnitThatFitsTheLongest(double longest, string unit)
    {
        var axis = AxisBuilder.Build(AxisKind.Seconds, "interval", [0, longest]);

        Assert.All(axis.Ticks, t => Assert.EndsWith(" " + unit, t.Label, StringComparison.Ordinal));
        Assert.True(axis.Contains(longest));
    }

    [Theory]
    [InlineData(0.3, "HH:mm:ss.f")]
    [InlineData(40, "HH:mm:ss")]
    [InlineData(3 * 3600, "HH:mm")]
    [InlineData(20 * 86400, "yyyy-MM-dd")]
    public void Build_Time_TicksAtRoundTimesInUtc(double span, string format)
    {
        var start = new DateTimeOffset(2026, 11, 29, 10, 0, 0, TimeSpan.Zero).ToUnixTimeSeconds();

        var axis = AxisBuilder.Build(AxisKind.Time, "time", [start, start + span]);

        Assert.InRange(axis.Ticks.Count, 2, 7);
        Assert.All(axis.Ticks, t => Assert.Equal(format.Length, t.Label.Length));
        Assert.Contains("UTC", axis.Title, StringComparison.Ordinal);
    }
}
