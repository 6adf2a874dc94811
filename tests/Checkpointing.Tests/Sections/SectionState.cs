namespace Checkpointing.Tests.Sections;

/// <summary>A small state saved beside binary sections.</summary>
internal sealed record SectionState(long Epoch, string Note, double[] Losses);
