using System.Text.Json;

namespace Checkpointing.Cli.Reports;

/// <summary>The output of <c>ckpt inspect --json</c>; <see cref="State"/> is null when the state is not JSON (another serializer wrote it).</summary>
internal sealed record InspectReport(string File, string ProcessType, string Name, CheckpointRow Metadata, IReadOnlyList<SectionRow> Sections, JsonElement? State);
