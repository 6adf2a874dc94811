using System.Text.Json.Serialization;

namespace Checkpointing.Tests.Serialization;

/// <summary>A source-generated context, as a trimmed or AOT program would pass.</summary>
[JsonSerializable(typeof(ContextState))]
internal sealed partial class TestJsonContext : JsonSerializerContext;
