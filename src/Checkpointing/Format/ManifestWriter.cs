using System.Buffers;
using System.Text.Json;

namespace Checkpointing.Format;

/// <summary>
/// Writes a <see cref="Manifest"/> as JSON, byte for byte what <see cref="ManifestJsonContext"/> writes
/// (camelCase names in declaration order, enum names, nulls left out, NaN and ±Infinity as strings).
/// Written by hand so that a save does not build System.Text.Json's metadata for the manifest (nearly
/// a hundred methods to compile in a process's first save); the reader still parses with the context,
/// and a test compares the two writers on every property.
/// </summary>
internal static class ManifestWriter
{
    // Reused by each thread's saves (a manifest is written once per save); a buffer grown by an
    // unusually large manifest is not kept.
    private const int KeptBufferSize = 64 << 10;

    [ThreadStatic]
    private static ArrayBufferWriter<byte>? t_buffer;

    [ThreadStatic]
    private static Utf8JsonWriter? t_json;

    public static byte[] Write(Manifest manifest)
    {
        var buffer = t_buffer ??= new ArrayBufferWriter<byte>(4096);
        buffer.ResetWrittenCount();
        var json = t_json;
        if (json is null)
        {
            t_json = json = new Utf8JsonWriter(buffer);
        }
        else
        {
            json.Reset(buffer);
        }

        Write(json, manifest);
        json.Flush();
        var bytes = buffer.WrittenSpan.ToArray();
        if (buffer.Capacity > KeptBufferSize)
        {
            t_buffer = null;
            t_json = null;
        }

        return bytes;
    }

    private static void Write(Utf8JsonWriter json, Manifest m)
    {
        json.WriteStartObject();
        WriteString(json, "formatVersion"u8, m.FormatVersion);
        WriteString(json, "checkpointId"u8, m.CheckpointId);
        WriteString(json, "processType"u8, m.ProcessType);
        WriteString(json, "name"u8, m.Name);
        json.WriteNumber("step"u8, m.Step);
        if (m.TotalSteps is long totalSteps)
        {
            json.WriteNumber("totalSteps"u8, totalSteps);
        }

        WriteStatus(json, m.Status);
        json.WriteString("createdUtc"u8, m.CreatedUtc);
        WriteMetrics(json, m.Metrics);
        WriteTags(json, m.Tags);
        WriteString(json, "writerHost"u8, m.WriterHost);
        json.WriteNumber("writerProcessId"u8, m.WriterProcessId);
        if (m.WriterGeneration is long writerGeneration)
        {
            json.WriteNumber("writerGeneration"u8, writerGeneration);
        }

        WriteString(json, "compression"u8, m.Compression);
        WriteString(json, "serializer"u8, m.Serializer);
        WriteString(json, "stateType"u8, m.StateType);
        if (m.JournalSequence is long journalSequence)
        {
            json.WriteNumber("journalSequence"u8, journalSequence);
        }

        if (m.WriteMs is double writeMs)
        {
            WriteNumber(json, "writeMs"u8, writeMs);
        }

        if (m.PreviousSave is { } previous)
        {
            json.WritePropertyName("previousSave"u8);
            json.WriteStartObject();
            WriteString(json, "checkpointId"u8, previous.CheckpointId);
            json.WriteNumber("step"u8, previous.Step);
            WriteNumber(json, "durationMs"u8, previous.DurationMs);
            json.WriteEndObject();
        }

        if (m.Retention is { } retention)
        {
            WriteRetention(json, retention);
        }

        WriteString(json, "payloadChecksum"u8, m.PayloadChecksum);
        if (m.Sections is { } sections)
        {
            json.WritePropertyName("sections"u8);
            json.WriteStartArray();
            foreach (var section in sections)
            {
                if (section is null)
                {
                    json.WriteNullValue();
                }
                else
                {
                    WriteSection(json, section);
                }
            }

            json.WriteEndArray();
        }

        json.WriteEndObject();
    }

    private static void WriteSection(Utf8JsonWriter json, SectionEntry s)
    {
        json.WriteStartObject();
        WriteString(json, "name"u8, s.Name);
        WriteString(json, "kind"u8, s.Kind);
        WriteString(json, "contentType"u8, s.ContentType);
        WriteString(json, "elementType"u8, s.ElementType);

        json.WriteNumber("offset"u8, s.Offset);
        json.WriteNumber("storedLength"u8, s.StoredLength);
        json.WriteNumber("rawLength"u8, s.RawLength);
        json.WriteNumber("chunkCount"u8, s.ChunkCount);
        WriteString(json, "rawChecksum"u8, s.RawChecksum);
        json.WriteEndObject();
    }

    private static void WriteRetention(Utf8JsonWriter json, RetentionEntry r)
    {
        json.WritePropertyName("retention"u8);
        json.WriteStartObject();
        if (r.KeepLastN is int keepLastN)
        {
            json.WriteNumber("keepLastN"u8, keepLastN);
        }

        if (r.KeepBestN is int keepBestN)
        {
            json.WriteNumber("keepBestN"u8, keepBestN);
        }

        WriteString(json, "bestMetric"u8, r.BestMetric);
        WriteString(json, "bestMetricMode"u8, r.BestMetricMode);
        if (r.KeepEveryMs is double keepEveryMs)
        {
            WriteNumber(json, "keepEveryMs"u8, keepEveryMs);
        }

        if (r.MaxTotalBytes is long maxTotalBytes)
        {
            json.WriteNumber("maxTotalBytes"u8, maxTotalBytes);
        }

        json.WriteEndObject();
    }

    /// <summary>AllowNamedFloatingPointLiterals: the three values JSON numbers cannot hold are written as strings.</summary>
    private static void WriteNumber(Utf8JsonWriter json, ReadOnlySpan<byte> name, double value)
    {
        if (double.IsFinite(value))
        {
            json.WriteNumber(name, value);
        }
        else
        {
            json.WriteString(name, double.IsNaN(value) ? "NaN" : value > 0 ? "Infinity" : "-Infinity");
        }
    }

    private static void WriteMetrics(Utf8JsonWriter json, Dictionary<string, double>? metrics)
    {
        if (metrics is null)
        {
            return;
        }

        json.WritePropertyName("metrics"u8);
        json.WriteStartObject();
        foreach (var (key, value) in metrics)
        {
            // AllowNamedFloatingPointLiterals: the three values JSON numbers cannot hold are written as strings.
            if (double.IsFinite(value))
            {
                json.WriteNumber(key, value);
            }
            else
            {
                json.WriteString(key, double.IsNaN(value) ? "NaN" : value > 0 ? "Infinity" : "-Infinity");
            }
        }

        json.WriteEndObject();
    }

    private static void WriteTags(Utf8JsonWriter json, Dictionary<string, string>? tags)
    {
        if (tags is null)
        {
            return;
        }

        json.WritePropertyName("tags"u8);
        json.WriteStartObject();
        foreach (var (key, value) in tags)
        {
            json.WriteString(key, value);
        }

        json.WriteEndObject();
    }

    /// <summary>Nulls are left out (<c>WhenWritingNull</c>).</summary>
    private static void WriteString(Utf8JsonWriter json, ReadOnlySpan<byte> name, string? value)
    {
        if (value is not null)
        {
            json.WriteString(name, value);
        }
    }

    /// <summary>The enum's name, as the string enum converter writes it; an undefined value as its number, as that converter does.</summary>
    private static void WriteStatus(Utf8JsonWriter json, CheckpointStatus status)
    {
        var name = status switch
        {
            CheckpointStatus.InProgress => "InProgress"u8,
            CheckpointStatus.Interrupted => "Interrupted"u8,
            CheckpointStatus.Failed => "Failed"u8,
            CheckpointStatus.Completed => "Completed"u8,
            _ => default,
        };

        if (name.IsEmpty)
        {
            json.WriteNumber("status"u8, (int)status);
        }
        else
        {
            json.WriteString("status"u8, name);
        }
    }
}
