namespace Checkpointing.Cli.Tests;

/// <summary>
/// One plot as found in a report's HTML: its run and key (<c>data-plot</c>), the point count it declares
/// (<c>data-points</c>), and what its first series really holds: circles (<c>circle.pt</c>) or line vertices.
/// </summary>
internal sealed record RenderedPlot(string Run, string Key, int DeclaredPoints, string Drawn, int Dots, int LineVertices, IReadOnlyList<string> MarkerKinds);
