using System.Globalization;
using System.Net;

namespace Checkpointing.Cli.Reporting;

/// <summary>Text and numbers as they go into the page: every string escaped (run, metric and tag names come from users), coordinates in invariant culture.</summary>
internal static class HtmlText
{
    /// <summary>Escapes <c>&amp; &lt; &gt; " '</c>, so the result is safe in element text and in quoted attributes.</summary>
    public static string Escape(string text) => WebUtility.HtmlEncode(text);

    /// <summary>An SVG coordinate with one decimal, e.g. <c>12.5</c>.</summary>
    public static string Coordinate(double value) => Math.Round(value, 1).ToString("0.#", CultureInfo.InvariantCulture);

    /// <summary>A value for a tooltip or a table: up to six significant digits, invariant culture.</summary>
    public static string Value(double value) => value.ToString("G6", CultureInfo.InvariantCulture);

    public static string Integer(long value) => value.ToString(CultureInfo.InvariantCulture);
}
