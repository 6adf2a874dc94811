using System.Text.Json.Serialization;

namespace Checkpointing.Cli.Reports;

/// <summary>The source-generated serializer of every <c>--json</c> report: camelCase, indented, nulls written out so the shape never changes.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = true)]
[JsonSerializable(typeof(ListReport))]
[JsonSerializable(typeof(ShowReport))]
[JsonSerializable(typeof(InspectReport))]
[JsonSerializable(typeof(VerifyReport))]
[JsonSerializable(typeof(PruneReport))]
[JsonSerializable(typeof(ReportSummary))]
internal sealed partial class CliJsonContext : JsonSerializerContext;
