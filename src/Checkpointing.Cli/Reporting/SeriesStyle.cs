namespace Checkpointing.Cli.Reporting;

/// <summary>How a series is drawn.</summary>
internal enum SeriesStyle
{
    /// <summary>One <c>&lt;circle class="pt"&gt;</c> with a tooltip per point; above <see cref="SvgPlotRenderer.MaxDots"/> points, a line instead.</summary>
    Dots,

    /// <summary>A line through the points.</summary>
    Line,

    /// <summary>A staircase (a best-so-far value that holds until it improves).</summary>
    Steps,
}
