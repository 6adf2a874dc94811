using System.Text.Json.Serialization;

namespace Checkpointing.Journaling;

/// <summary>Source-generated JSON for the journaled shapes' own records and snapshot sections (no reflection).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(WorkListSnapshot))]
[JsonSerializable(typeof(PendingIntent))]
[JsonSerializable(typeof(List<PendingIntent>))]
internal sealed partial class JournalingJsonContext : JsonSerializerContext;
