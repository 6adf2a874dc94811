namespace Checkpointing.Cli.Reports;

/// <summary>One plot in a report: its run, its key (the SVG's <c>data-plot</c>, e.g. <c>metric:loss</c>) and its number of data points.</summary>
internal sealed record ReportedPlot(string Run, string Plot, int Points);
