using System.Text;
using static Checkpointing.Cli.Reporting.HtmlText;

namespace Checkpointing.Cli.Reporting;

/// <summary>
/// Draws a <see cref="Plot"/> as inline SVG: grid, axes with their ticks and titles, event markers (a vertical line
/// with a tooltip each), then the series. A dots series of up to <see cref="MaxDots"/> points is one
/// <c>&lt;circle class="pt"&gt;</c> per point with a <c>&lt;title&gt;</c> tooltip; a larger one is drawn as a line.
/// The <c>&lt;svg&gt;</c> carries <c>data-plot</c> (the plot's key) and <c>data-points</c> (its first series' point
/// count); each series group carries its own <c>data-points</c> and <c>data-drawn</c> (<c>dots</c> or <c>line</c>).
/// Colours come from the page's CSS classes.
/// </summary>
internal static class SvgPlotRenderer
{
    /// <summary>The most points drawn one circle each; a larger series is a line (its count stays in <c>data-points</c>).</summary>
    public const int MaxDots = 500;

    public const int Width = 640;
    public const int Height = 300;

    private const double Left = 72;
    private const double Right = Width - 18;
    private const double Top = 14;
    private const double Bottom = Height - 50;

    /// <summary>Axis titles longer than this are cut (the plot's heading has the full name).</summary>
    private const int MaxAxisTitle = 42;

    /// <summary>A line keeps at most four vertices (first, lowest, highest, last) per this many horizontal pixels.</summary>
    private const double LineBucketPixels = 1;

    public static string Render(Plot plot)
    {
        var svg = new StringBuilder();
        svg.Append($"<svg class=\"chart\" data-plot=\"{Escape(plot.Key)}\" data-points=\"{plot.PointCount}\" viewBox=\"0 0 {Width} {Height}\" role=\"img\" aria-label=\"{Escape(plot.Title)}\">");
        AppendAxes(svg, plot.X, plot.Y);
        foreach (var marker in plot.Markers.Where(m => plot.X.Contains(m.X)))
        {
            var x = Coordinate(plot.X.Map(marker.X, Left, Right));
            svg.Append($"<g class=\"marker m-{marker.Kind.ToString().ToLowerInvariant()}\"><title>{Escape(marker.Label)}</title>")
                .Append($"<line class=\"hit\" x1=\"{x}\" y1=\"{Coordinate(Top)}\" x2=\"{x}\" y2=\"{Coordinate(Bottom)}\"/>")
                .Append($"<line x1=\"{x}\" y1=\"{Coordinate(Top)}\" x2=\"{x}\" y2=\"{Coordinate(Bottom)}\"/></g>");
        }

        foreach (var series in plot.Series)
        {
            AppendSeries(svg, plot, series);
        }

        if (plot.PointCount == 0)
        {
            svg.Append($"<text class=\"empty\" x=\"{Coordinate((Left + Right) / 2)}\" y=\"{Coordinate((Top + Bottom) / 2)}\" text-anchor=\"middle\">no data</text>");
        }

        return svg.Append("</svg>").ToString();
    }

    /// <summary>Whether <paramref name="series"/> is drawn as dots (true) or as a line.</summary>
    public static bool DrawsDots(PlotSeries series) => series.Style == SeriesStyle.Dots && series.Points.Count <= MaxDots;

    private static void AppendAxes(StringBuilder svg, Axis xAxis, Axis yAxis)
    {
        svg.Append("<g class=\"grid\">");
        foreach (var tick in yAxis.Ticks)
        {
            var y = Coordinate(yAxis.Map(tick.Value, Bottom, Top));
            svg.Append($"<line x1=\"{Coordinate(Left)}\" y1=\"{y}\" x2=\"{Coordinate(Right)}\" y2=\"{y}\"/>");
        }

        svg.Append("</g><g class=\"axis\">");
        svg.Append($"<line x1=\"{Coordinate(Left)}\" y1=\"{Coordinate(Bottom)}\" x2=\"{Coordinate(Right)}\" y2=\"{Coordinate(Bottom)}\"/>");
        svg.Append($"<line x1=\"{Coordinate(Left)}\" y1=\"{Coordinate(Top)}\" x2=\"{Coordinate(Left)}\" y2=\"{Coordinate(Bottom)}\"/>");
        foreach (var tick in yAxis.Ticks)
        {
            var y = yAxis.Map(tick.Value, Bottom, Top);
            svg.Append($"<line x1=\"{Coordinate(Left - 5)}\" y1=\"{Coordinate(y)}\" x2=\"{Coordinate(Left)}\" y2=\"{Coordinate(y)}\"/>")
                .Append($"<text class=\"tick\" x=\"{Coordinate(Left - 8)}\" y=\"{Coordinate(y + 4)}\" text-anchor=\"end\">{Escape(tick.Label)}</text>");
        }

        foreach (var tick in xAxis.Ticks)
        {
            var x = xAxis.Map(tick.Value, Left, Right);
            svg.Append($"<line x1=\"{Coordinate(x)}\" y1=\"{Coordinate(Bottom)}\" x2=\"{Coordinate(x)}\" y2=\"{Coordinate(Bottom + 5)}\"/>")
                .Append($"<text class=\"tick\" x=\"{Coordinate(x)}\" y=\"{Coordinate(Bottom + 18)}\" text-anchor=\"middle\">{Escape(tick.Label)}</text>");
        }

        svg.Append($"<text class=\"axis-title\" x=\"{Coordinate((Left + Right) / 2)}\" y=\"{Height - 8}\" text-anchor=\"middle\">{Escape(Shorten(xAxis.Title))}</text>");
        svg.Append($"<text class=\"axis-title\" transform=\"translate(14 {Coordinate((Top + Bottom) / 2)}) rotate(-90)\" text-anchor=\"middle\">{Escape(Shorten(yAxis.Title))}</text>");
        svg.Append("</g>");
    }

    private static string Shorten(string title) => title.Length <= MaxAxisTitle ? title : string.Concat(title.AsSpan(0, MaxAxisTitle - 1), "…");

    private static void AppendSeries(StringBuilder svg, Plot plot, PlotSeries series)
    {
        var dots = DrawsDots(series);
        svg.Append($"<g class=\"series {Escape(series.ColorClass)} {(series.Style == SeriesStyle.Steps ? "steps" : dots ? "dots" : "line")}\" data-series=\"{Escape(series.Name)}\" data-points=\"{series.Points.Count}\" data-drawn=\"{(dots ? "dots" : "line")}\">");
        var mapped = series.Points.Select(p => (X: plot.X.Map(p.X, Left, Right), Y: plot.Y.Map(p.Y, Bottom, Top), Point: p)).ToList();
        if (dots)
        {
            foreach (var (x, y, point) in mapped)
            {
                svg.Append($"<circle class=\"pt\" cx=\"{Coordinate(x)}\" cy=\"{Coordinate(y)}\" r=\"3.5\"><title>{Escape(point.Tooltip)}</title></circle>");
            }
        }
        else if (mapped.Count > 0)
        {
            svg.Append($"<title>{Escape(series.Name)}: {series.Points.Count} points</title>");
            if (series.Style == SeriesStyle.Steps)
            {
                var path = new StringBuilder($"M{Coordinate(mapped[0].X)} {Coordinate(mapped[0].Y)}");
                foreach (var (x, y, _) in mapped.Skip(1))
                {
                    path.Append($"H{Coordinate(x)}V{Coordinate(y)}");
                }

                svg.Append($"<path d=\"{path}\"/>");
            }
            else
            {
                svg.Append("<polyline points=\"")
                    .AppendJoin(' ', Thin(mapped.Select(m => (m.X, m.Y)).ToList()).Select(v => $"{Coordinate(v.X)},{Coordinate(v.Y)}"))
                    .Append("\"/>");
            }
        }

        svg.Append("</g>");
    }

    /// <summary>
    /// Keeps the shape of a long line with few vertices: per <see cref="LineBucketPixels"/> of width, the first,
    /// lowest, highest and last vertex (in their order), so every spike stays visible.
    /// </summary>
    internal static IReadOnlyList<(double X, double Y)> Thin(IReadOnlyList<(double X, double Y)> vertices)
    {
        if (vertices.Count <= 4 * (Right - Left) / LineBucketPixels)
        {
            return vertices;
        }

        var kept = new List<(double X, double Y)>();
        foreach (var bucket in vertices.Select((v, i) => (v, i)).GroupBy(e => Math.Floor(e.v.X / LineBucketPixels)))
        {
            var items = bucket.ToList();
            var first = items[0];
            var last = items[^1];
            var low = items.MinBy(e => e.v.Y);
            var high = items.MaxBy(e => e.v.Y);
            kept.AddRange(new[] { first, low, high, last }.DistinctBy(e => e.i).OrderBy(e => e.i).Select(e => e.v));
        }

        return kept;
    }
}
