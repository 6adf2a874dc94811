namespace Checkpointing.Cli.Reports;

/// <summary>One parameter of a study's search space: <c>float</c> or <c>int</c> with a range, or <c>categorical</c> with choices.</summary>
internal sealed record ParameterRow(string Name, string Kind, double? Low, double? High, bool? Log, IReadOnlyList<string>? Choices);
