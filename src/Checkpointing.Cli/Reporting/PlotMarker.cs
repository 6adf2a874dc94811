namespace Checkpointing.Cli.Reporting;

/// <summary>A vertical line across a plot at <see cref="X"/> (a time or a step) for an interruption, a failure or a resume.</summary>
internal sealed record PlotMarker(double X, RunEventKind Kind, string Label);
