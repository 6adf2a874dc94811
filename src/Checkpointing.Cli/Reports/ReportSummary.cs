namespace Checkpointing.Cli.Reports;

/// <summary>The output of <c>ckpt report --json</c>: where the page was written, its size, and what it holds.</summary>
/// <param name="Problems">Damaged checkpoints and unreadable runs, as <c>TYPE/NAME: what</c>; the exit code is 1 when there are any.</param>
internal sealed record ReportSummary(string File, long Bytes, int Runs, int Plots, IReadOnlyList<ReportedPlot> PlotList, IReadOnlyList<string> Problems);
