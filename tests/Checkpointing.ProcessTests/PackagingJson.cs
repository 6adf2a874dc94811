using System.Text.Json.Serialization;

namespace Checkpointing.ProcessTests;

/// <summary>The state eng/package-consumer/Program.cs saves, read back by <see cref="PackagingTests"/>.</summary>
public sealed record ConsumerCounter(long Total);

[JsonSerializable(typeof(ConsumerCounter))]
internal sealed partial class PackagingJson : JsonSerializerContext;
