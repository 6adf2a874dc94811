namespace Checkpointing.Cli.Reporting;

/// <summary>One plot of a run: its key (the <c>data-plot</c> attribute, e.g. <c>metric:loss</c>), title, a sentence on what it shows, axes, series and event markers.</summary>
/// <param name="Series">The first series is the plot's data: its point count is the plot's <c>data-points</c>.</param>
internal sealed record Plot(string Key, string Title, string Description, Axis X, Axis Y, IReadOnlyList<PlotSeries> Series, IReadOnlyList<PlotMarker> Markers)
{
    public int PointCount => Series.Count == 0 ? 0 : Series[0].Points.Count;
}
