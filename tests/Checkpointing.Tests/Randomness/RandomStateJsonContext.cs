using System.Text.Json.Serialization;
using Checkpointing.Randomness;

namespace Checkpointing.Tests.Randomness;

/// <summary>A source-generated context holding a <see cref="RandomState"/>, as an AOT program would.</summary>
[JsonSerializable(typeof(RandomState))]
[JsonSerializable(typeof(StateWithRandom))]
internal sealed partial class RandomStateJsonContext : JsonSerializerContext;
