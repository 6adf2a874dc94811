namespace Checkpointing.Cli.Reporting;

/// <summary>One data point, in the axes' data units, with the text of its tooltip.</summary>
internal sealed record PlotPoint(double X, double Y, string Tooltip);
