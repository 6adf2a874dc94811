using System.Net;
using System.Text.RegularExpressions;

namespace Checkpointing.Cli.Tests;

/// <summary>Reads the plots out of a report page, as written by <c>ckpt report</c> or as serialised by a browser after rendering.</summary>
internal static partial class ReportHtml
{
    public static IReadOnlyList<RenderedPlot> Plots(string html)
    {
        var plots = new List<RenderedPlot>();
        foreach (var section in html.Split("<section ").Skip(1))
        {
            var run = Attribute(section, "data-run") ?? string.Empty;
            foreach (Match svg in SvgPattern().Matches(section))
            {
                var body = svg.Groups["body"].Value;
                var series = SeriesPattern().Match(body);
                var first = series.Success ? series.Groups["body"].Value : string.Empty;
                var line = PolylinePattern().Match(first);
                plots.Add(new RenderedPlot(
                    run,
                    WebUtility.HtmlDecode(Attribute(svg.Value, "data-plot") ?? string.Empty),
                    int.Parse(Attribute(svg.Value, "data-points") ?? "-1", System.Globalization.CultureInfo.InvariantCulture),
                    series.Success ? Attribute(series.Value, "data-drawn") ?? string.Empty : string.Empty,
                    DotPattern().Count(first),
                    line.Success ? line.Groups["points"].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length : 0,
                    [.. MarkerPattern().Matches(body).Select(m => m.Groups["kind"].Value)]));
            }
        }

        return plots;
    }

    public static RenderedPlot Single(IReadOnlyList<RenderedPlot> plots, string run, string key) =>
        Assert.Single(plots, p => p.Run == run && p.Key == key);

    private static string? Attribute(string element, string name)
    {
        var match = Regex.Match(element, $"\\b{Regex.Escape(name)}=\"(?<value>[^\"]*)\"");
        return match.Success ? WebUtility.HtmlDecode(match.Groups["value"].Value) : null;
    }

    [GeneratedRegex("<svg\\b[^>]*\\bdata-plot=[^>]*>(?<body>.*?)</svg>", RegexOptions.Singleline)]
    private static partial Regex SvgPattern();

    [GeneratedRegex("<g class=\"series\\b[^>]*>(?<body>.*?)</g>", RegexOptions.Singleline)]
    private static partial Regex SeriesPattern();

    [GeneratedRegex("<circle\\b[^>]*\\bclass=\"pt\"")]
    private static partial Regex DotPattern();

    [GeneratedRegex("<polyline\\b[^>]*\\bpoints=\"(?<points>[^\"]*)\"")]
    private static partial Regex PolylinePattern();

    [GeneratedRegex("<g class=\"marker m-(?<kind>[a-z]+)\"")]
    private static partial Regex MarkerPattern();
}
