namespace Checkpointing.Cli.Reporting;

/// <summary>One labelled tick on an axis, at <see cref="Value"/> in the axis's data units.</summary>
internal sealed record AxisTick(double Value, string Label);
