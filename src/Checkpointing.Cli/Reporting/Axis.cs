namespace Checkpointing.Cli.Reporting;

/// <summary>An axis of a plot: its title, the data range it shows and its ticks (see <see cref="AxisBuilder"/>).</summary>
internal sealed record Axis(string Title, double Min, double Max, IReadOnlyList<AxisTick> Ticks)
{
    /// <summary>
    /// Maps <paramref name="value"/> from [<see cref="Min"/>, <see cref="Max"/>] onto [<paramref name="from"/>, <paramref name="to"/>];
    /// a value outside the axis (only an extreme one the axis was clamped against) is drawn at its end.
    /// </summary>
    public double Map(double value, double from, double to) =>
        Max > Min ? from + (Math.Clamp(value, Min, Max) - Min) / (Max - Min) * (to - from) : (from + to) / 2;

    public bool Contains(double value) => value >= Min && value <= Max;
}
