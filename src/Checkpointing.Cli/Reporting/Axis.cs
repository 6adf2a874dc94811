namespace Checkpointing.Cli.Reporting;

/// <summary>An axis of a plot: its title, the data range it shows and its ticks (see <see cref="AxisBuilder"/>).</summary>
internal sealed record Axis(string Title, double Min, double Max, IReadOnlyList<AxisTick> Ticks)
{
    /// <summary>Maps <paramref name="value"/> from [<see cref="Min"/>, <see cref="Max"/>] onto [<paramref name="from"/>, <paramref name="to"/>].</summary>
    public double Map(double value, double from, double to) =>
        Max > Min ? from + (value - Min) / (Max - Min) * (to - from) : (from + to) / 2;

    public bool Contains(double value) => value >= Min && value <= Max;
}
