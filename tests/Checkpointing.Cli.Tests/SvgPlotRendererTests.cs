using System.Text.RegularExpressions;
using Checkpointing.Cli.Reporting;

namespace Checkpointing.Cli.Tests;

public sealed class SvgPlotRendererTests
{
    [Fact]
    public void Render_SmallSeries_IsOneDotWithATooltipPerPoint()
    {
        var svg = SvgPlotRenderer.Render(PlotOf(40, "<m>"));

        Assert.Equal(40, Regex.Count(svg, "<circle class=\"pt\""));
        Assert.Equal(40, Regex.Count(svg, "<title>point [0-9]+ &lt;m&gt;</title>"));
        Assert.Contains("data-plot=\"metric:&lt;m&gt;\" data-points=\"40\"", svg, StringComparison.Ordinal);
        Assert.DoesNotContain("<m>", svg, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_LargeSeries_IsALineThatStillDeclaresEveryPoint()
    {
        var count = SvgPlotRenderer.MaxDots + 1;

        var svg = SvgPlotRenderer.Render(PlotOf(count, "loss"));

        Assert.Equal(0, Regex.Count(svg, "<circle"));
        Assert.Contains($"data-points=\"{count}\" data-drawn=\"line\"", svg, StringComparison.Ordinal);
        Assert.Equal(count, Regex.Match(svg, "<polyline points=\"([^\"]*)\"").Groups[1].Value.Split(' ').Length);
    }

    [Fact]
    public void Thin_VeryLongLine_KeepsAtMostFourVerticesPerPixelAndEverySpike()
    {
        var vertices = Enumerable.Range(0, 100_000).Select(i => (X: 72 + i * 550.0 / 100_000, Y: i == 54_321 ? 5.0 : 100.0)).ToList();

        var kept = SvgPlotRenderer.Thin(vertices);

        Assert.InRange(kept.Count, 550, 4 * 551);
        Assert.Contains((vertices[54_321].X, 5.0), kept);
        Assert.Equal(vertices[0], kept[0]);
        Assert.Equal(vertices[^1], kept[^1]);
    }

    private static Plot PlotOf(int count, string metric)
    {
        var points = Enumerable.Range(0, count).Select(i => new PlotPoint(i, Math.Sin(i), $"point {i} {metric}")).ToList();
        return new Plot("metric:" + metric, metric, "test", AxisBuilder.Build(AxisKind.Count, "step", points.Select(p => p.X)),
            AxisBuilder.Build(AxisKind.Number, metric, points.Select(p => p.Y)), [new PlotSeries(metric, "c1", SeriesStyle.Dots, points)], []);
    }
}
