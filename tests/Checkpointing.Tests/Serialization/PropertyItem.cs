namespace Checkpointing.Tests.Serialization;

/// <summary>A nested record inside <see cref="PropertyState"/>.</summary>
public sealed record PropertyItem(string Name, double Score, List<string> Labels, Dictionary<string, double> Weights);
