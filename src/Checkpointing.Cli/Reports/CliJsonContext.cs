using System.Text.Json.Serialization;

namespace Checkpointing.Cli.Reports;

/// <summary>
/// The source-generated serializer of every <c>--json</c> report: camelCase, indented, nulls written out so the shape
/// never changes; a non-finite number (a trial's value may be ±infinity) is the string <c>"Infinity"</c>, <c>"-Infinity"</c> or <c>"NaN"</c>.
/// </summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = true, NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals)]
[JsonSerializable(typeof(ListReport))]
[JsonSerializable(typeof(ShowReport))]
[JsonSerializable(typeof(InspectReport))]
[JsonSerializable(typeof(VerifyReport))]
[JsonSerializable(typeof(PruneReport))]
[JsonSerializable(typeof(ReportSummary))]
internal sealed partial class CliJsonContext : JsonSerializerContext;
