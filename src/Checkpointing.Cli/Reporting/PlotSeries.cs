namespace Checkpointing.Cli.Reporting;

/// <summary>A named set of points drawn in one style; <paramref name="ColorClass"/> (<c>c1</c>…<c>c4</c>) picks its colour from the page's CSS.</summary>
internal sealed record PlotSeries(string Name, string ColorClass, SeriesStyle Style, IReadOnlyList<PlotPoint> Points);
