using System.Text.Json.Serialization;
using Checkpointing.Studies;

namespace Checkpointing.Tests.Studies;

/// <summary>Source-generated metadata for a study snapshot, as a trimmed or AOT program would declare it.</summary>
[JsonSerializable(typeof(StudySnapshot))]
internal sealed partial class StudySnapshotJsonContext : JsonSerializerContext;
