using System.Text.Json.Serialization;

namespace Checkpointing.Format;

/// <summary>The footer manifest of a .ckpt file: the metadata and the section table, as JSON.</summary>
internal sealed class Manifest
{
    public string FormatVersion { get; set; } = $"{FormatConstants.MajorVersion}.{FormatConstants.MinorVersion}";

    public string CheckpointId { get; set; } = string.Empty;

    public string ProcessType { get; set; } = string.Empty;

    public string Name { get; set; } = string.Empty;

    public long Step { get; set; }

    public long? TotalSteps { get; set; }

    public CheckpointStatus Status { get; set; }

    public DateTimeOffset CreatedUtc { get; set; }

    public Dictionary<string, double> Metrics { get; set; } = [];

    public Dictionary<string, string> Tags { get; set; } = [];

    public string WriterHost { get; set; } = string.Empty;

    public int WriterProcessId { get; set; }

    /// <summary>The writer generation (see the run's lock file); absent in files written before it was recorded.</summary>
    public long? WriterGeneration { get; set; }

    public string Compression { get; set; } = "none";

    public string Serializer { get; set; } = string.Empty;

    /// <summary>The CLR name of the saved state, for people reading the file; never used to create objects.</summary>
    public string? StateType { get; set; }

    /// <summary>For a journal snapshot (format 1.1): the last journal record the state includes. Omitted otherwise.</summary>
    public long? JournalSequence { get; set; }

    /// <summary>Optional: milliseconds from the start of the save to writing this manifest (the sections written). Omitted by older writers.</summary>
    public double? WriteMs { get; set; }

    /// <summary>Optional: the previous save of the same manager and its full, durable duration. Omitted for a manager's first save and by older writers.</summary>
    public PreviousSaveEntry? PreviousSave { get; set; }

    /// <summary>Optional: the retention settings of the writer when it saved this file. Omitted by older writers.</summary>
    public RetentionEntry? Retention { get; set; }

    /// <summary>XXH3-64 of every byte from the header through the last chunk, as 16 hex digits.</summary>
    public string PayloadChecksum { get; set; } = string.Empty;

    public List<SectionEntry> Sections { get; set; } = [];
}

/// <summary>One named section: where its chunks are and what they must add up to.</summary>
internal sealed class SectionEntry
{
    public string Name { get; set; } = string.Empty;

    /// <summary>"state" for the serialised state, "binary" for raw little-endian data.</summary>
    public string Kind { get; set; } = "state";

    public string? ContentType { get; set; }

    /// <summary>For a binary section (format 1.2): the element type of its little-endian data, e.g. <c>float64</c>; <c>bytes</c> for a stream. Omitted otherwise.</summary>
    public string? ElementType { get; set; }

    public long Offset { get; set; }

    public long StoredLength { get; set; }

    public long RawLength { get; set; }

    public int ChunkCount { get; set; }

    /// <summary>XXH3-64 of the raw (uncompressed) content, as 16 hex digits.</summary>
    public string RawChecksum { get; set; } = string.Empty;
}

/// <summary>The manifest's <c>previousSave</c>: the save a manager completed before the one that wrote the file.</summary>
internal sealed class PreviousSaveEntry
{
    public string? CheckpointId { get; set; }

    public long Step { get; set; }

    /// <summary>From the start of that save until it returned: written, fsynced, renamed, directory fsynced, retention applied.</summary>
    public double DurationMs { get; set; }
}

/// <summary>The manifest's <c>retention</c>: the writer's retention settings; a rule that is off is omitted.</summary>
internal sealed class RetentionEntry
{
    public int? KeepLastN { get; set; }

    /// <summary>With <see cref="BestMetric"/> only.</summary>
    public int? KeepBestN { get; set; }

    public string? BestMetric { get; set; }

    /// <summary><c>min</c> or <c>max</c>, with <see cref="BestMetric"/> only.</summary>
    public string? BestMetricMode { get; set; }

    public double? KeepEveryMs { get; set; }

    public long? MaxTotalBytes { get; set; }
}

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    UseStringEnumConverter = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals)]
[JsonSerializable(typeof(Manifest))]
internal sealed partial class ManifestJsonContext : JsonSerializerContext;
