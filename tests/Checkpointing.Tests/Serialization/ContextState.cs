namespace Checkpointing.Tests.Serialization;

/// <summary>A state type listed in <see cref="TestJsonContext"/>.</summary>
public sealed record ContextState(string Name, long Step, List<double> Losses, Dictionary<string, string> Notes);
