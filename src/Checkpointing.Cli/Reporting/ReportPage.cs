using Checkpointing.Cli.Reports;

namespace Checkpointing.Cli.Reporting;

/// <summary>A finished report page: its HTML, how many runs it covers and each plot it holds.</summary>
internal sealed record ReportPage(string Html, int RunCount, IReadOnlyList<ReportedPlot> Plots);
