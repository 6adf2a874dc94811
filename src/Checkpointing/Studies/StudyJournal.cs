using System.Buffers;
using System.Globalization;
using System.Text.Json;
using Checkpointing.Randomness;

namespace Checkpointing.Studies;

/// <summary>
/// The study's records in its journal: one UTF-8 JSON object per record, told apart by "type"
/// (docs/FORMAT.md, "Study journal records"). Written and read by hand, without reflection.
/// </summary>
internal static class StudyJournal
{
    public const int FormatVersion = 1;

    private static readonly JsonWriterOptions WriterOptions = new() { Indented = false, SkipValidation = false };

    public static byte[] Encode(Header header) => Write(w =>
    {
        w.WriteString("type", "study");
        w.WriteNumber("format", FormatVersion);
        w.WriteString("direction", header.Direction == StudyDirection.Maximize ? "maximize" : "minimize");
        w.WriteNumber("seed", header.Seed);
        w.WriteString("created", header.Created);
        w.WriteStartArray("space");
        foreach (var p in header.Space.Parameters)
        {
            w.WriteStartObject();
            w.WriteString("name", p.Name);
            switch (p.Kind)
            {
                case ParameterKind.Categorical:
                    w.WriteString("kind", "categorical");
                    w.WriteStartArray("choices");
                    foreach (var choice in p.Choices)
                    {
                        w.WriteStringValue(choice);
                    }

                    w.WriteEndArray();
                    break;
                case ParameterKind.Int:
                    w.WriteString("kind", "int");
                    w.WriteNumber("low", (int)p.Low);
                    w.WriteNumber("high", (int)p.High);
                    w.WriteBoolean("log", p.Log);
                    break;
                default:
                    w.WriteString("kind", "float");
                    w.WriteNumber("low", p.Low);
                    w.WriteNumber("high", p.High);
                    w.WriteBoolean("log", p.Log);
                    break;
            }

            w.WriteEndObject();
        }

        w.WriteEndArray();
    });

    public static byte[] Encode(Session session) => Write(w =>
    {
        w.WriteString("type", "session");
        w.WriteNumber("session", session.Number);
        w.WriteString("started", session.Started);
        w.WriteNumber("pid", session.ProcessId);
        w.WriteString("host", session.Host);
        w.WriteString("sampler", session.Sampler);
    });

    public static byte[] Encode(SessionEnd end) => Write(w =>
    {
        w.WriteString("type", "session_end");
        w.WriteNumber("session", end.Number);
        w.WriteBoolean("interrupted", end.Interrupted);
        w.WriteString("at", end.At);
    });

    public static byte[] Encode(TrialStarted started) => Write(w =>
    {
        w.WriteString("type", "trial_started");
        w.WriteNumber("number", started.Number);
        WriteParams(w, started.Params);
    });

    public static byte[] Encode(TrialFinished finished) => Write(w =>
    {
        var t = finished.Trial;
        w.WriteString("type", "trial");
        w.WriteNumber("number", t.Number);
        w.WriteString("state", t.State == TrialState.Complete ? "complete" : "failed");
        if (t.Value is double value)
        {
            w.WritePropertyName("value");
            WriteDouble(w, value);
        }

        WriteParams(w, t.Params);
        w.WriteNumber("duration_ticks", t.Duration.Ticks);
        w.WriteString("finished", t.FinishedAt);
        if (t.Error is not null)
        {
            w.WriteString("error", t.Error);
        }

        if (t.IntermediateValues.Count > 0)
        {
            w.WriteStartObject("intermediate");
            foreach (var (step, v) in t.IntermediateValues.OrderBy(kv => kv.Key))
            {
                w.WritePropertyName(step.ToString(CultureInfo.InvariantCulture));
                WriteDouble(w, v);
            }

            w.WriteEndObject();
        }

        w.WriteStartArray("rng");
        var s = finished.RandomState;
        w.WriteNumberValue(s.S0);
        w.WriteNumberValue(s.S1);
        w.WriteNumberValue(s.S2);
        w.WriteNumberValue(s.S3);
        w.WriteEndArray();
    });

    /// <summary>
    /// Reads one record. <paramref name="space"/> is the study's space (null only for the first
    /// record, the header). Unknown record types, from a newer minor version, read as null.
    /// </summary>
    /// <exception cref="FormatException">The record is not a valid study record.</exception>
    public static object? Decode(ReadOnlyMemory<byte> payload, SearchSpace? space)
    {
        try
        {
            using var doc = JsonDocument.Parse(payload);
            var root = doc.RootElement;
            var type = root.GetProperty("type").GetString();
            return type switch
            {
                "study" => ReadHeader(root),
                "session" => new Session(
                    root.GetProperty("session").GetInt32(),
                    root.GetProperty("started").GetDateTimeOffset(),
                    root.GetProperty("pid").GetInt32(),
                    root.GetProperty("host").GetString() ?? string.Empty,
                    root.GetProperty("sampler").GetString() ?? string.Empty),
                "session_end" => new SessionEnd(
                    root.GetProperty("session").GetInt32(),
                    root.GetProperty("interrupted").GetBoolean(),
                    root.GetProperty("at").GetDateTimeOffset()),
                "trial_started" => new TrialStarted(
                    root.GetProperty("number").GetInt32(),
                    ReadParams(root.GetProperty("params"), Require(space))),
                "trial" => ReadTrial(root, Require(space)),
                _ => null,
            };
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException or ArgumentException or FormatException)
        {
            throw new FormatException(ex.Message, ex);
        }
    }

    private static SearchSpace Require(SearchSpace? space) =>
        space ?? throw new FormatException("The journal's first record is not the study header.");

    private static Header ReadHeader(JsonElement root)
    {
        var format = root.GetProperty("format").GetInt32();
        var direction = root.GetProperty("direction").GetString() switch
        {
            "minimize" => StudyDirection.Minimize,
            "maximize" => StudyDirection.Maximize,
            var other => throw new FormatException($"Unknown direction '{other}'."),
        };
        var space = new SearchSpace();
        foreach (var p in root.GetProperty("space").EnumerateArray())
        {
            var name = p.GetProperty("name").GetString() ?? throw new FormatException("A parameter has no name.");
            switch (p.GetProperty("kind").GetString())
            {
                case "float":
                    space.AddFloat(name, p.GetProperty("low").GetDouble(), p.GetProperty("high").GetDouble(), p.GetProperty("log").GetBoolean());
                    break;
                case "int":
                    space.AddInt(name, p.GetProperty("low").GetInt32(), p.GetProperty("high").GetInt32(), p.GetProperty("log").GetBoolean());
                    break;
                case "categorical":
                    space.AddCategorical(name, p.GetProperty("choices").EnumerateArray().Select(c => c.GetString() ?? throw new FormatException("A choice is null.")).ToArray());
                    break;
                case var other:
                    throw new FormatException($"Unknown parameter kind '{other}'.");
            }
        }

        return new Header(direction, root.GetProperty("seed").GetUInt64(), space, root.GetProperty("created").GetDateTimeOffset(), format);
    }

    private static TrialFinished ReadTrial(JsonElement root, SearchSpace space)
    {
        var state = root.GetProperty("state").GetString() switch
        {
            "complete" => TrialState.Complete,
            "failed" => TrialState.Failed,
            var other => throw new FormatException($"Unknown trial state '{other}'."),
        };
        double? value = root.TryGetProperty("value", out var v) ? ReadDouble(v) : null;
        if (state == TrialState.Complete && (value is null || double.IsNaN(value.Value)))
        {
            throw new FormatException("A complete trial has no value.");
        }

        IReadOnlyDictionary<long, double> intermediate = FinishedTrial.EmptyIntermediateValues;
        if (root.TryGetProperty("intermediate", out var inter))
        {
            var values = new Dictionary<long, double>();
            foreach (var property in inter.EnumerateObject())
            {
                values[long.Parse(property.Name, NumberStyles.None, CultureInfo.InvariantCulture)] = ReadDouble(property.Value);
            }

            intermediate = values;
        }

        var rng = root.GetProperty("rng");
        if (rng.GetArrayLength() != 4)
        {
            throw new FormatException("The random state must have four words.");
        }

        var randomState = new RandomState(rng[0].GetUInt64(), rng[1].GetUInt64(), rng[2].GetUInt64(), rng[3].GetUInt64());
        if (!randomState.IsValid)
        {
            throw new FormatException("The random state is all zeros.");
        }

        var trial = new FinishedTrial
        {
            Number = root.GetProperty("number").GetInt32(),
            Params = ReadParams(root.GetProperty("params"), space),
            Value = value,
            State = state,
            Duration = TimeSpan.FromTicks(root.GetProperty("duration_ticks").GetInt64()),
            FinishedAt = root.GetProperty("finished").GetDateTimeOffset(),
            Error = root.TryGetProperty("error", out var e) ? e.GetString() : null,
            IntermediateValues = intermediate,
        };
        return new TrialFinished(trial, randomState);
    }

    private static IReadOnlyDictionary<string, ParameterValue> ReadParams(JsonElement element, SearchSpace space)
    {
        var result = new Dictionary<string, ParameterValue>(space.Parameters.Count, StringComparer.Ordinal);
        foreach (var p in space.Parameters)
        {
            var e = element.GetProperty(p.Name);
            var value = p.Kind switch
            {
                ParameterKind.Float => ParameterValue.FromFloat(e.GetDouble()),
                ParameterKind.Int => ParameterValue.FromInt(e.GetInt32()),
                _ => ParameterValue.FromCategorical(e.GetString() ?? throw new FormatException($"Parameter '{p.Name}' is null.")),
            };
            if (!p.Contains(value))
            {
                throw new FormatException($"Parameter '{p.Name}' = {value} is outside its declared range.");
            }

            result[p.Name] = value;
        }

        return result.AsReadOnly();
    }

    private static void WriteParams(Utf8JsonWriter w, IReadOnlyDictionary<string, ParameterValue> parameters)
    {
        w.WritePropertyName("params");
        w.WriteStartObject();
        foreach (var (name, value) in parameters)
        {
            w.WritePropertyName(name);
            switch (value.Kind)
            {
                case ParameterKind.Categorical:
                    w.WriteStringValue(value.AsString());
                    break;
                case ParameterKind.Int:
                    w.WriteNumberValue(value.AsInt());
                    break;
                default:
                    w.WriteNumberValue(value.AsDouble());
                    break;
            }
        }

        w.WriteEndObject();
    }

    /// <summary>Finite values as JSON numbers (shortest round-trip form); NaN and ±∞ as the strings "NaN", "Infinity", "-Infinity".</summary>
    private static void WriteDouble(Utf8JsonWriter w, double value)
    {
        if (double.IsFinite(value))
        {
            w.WriteNumberValue(value);
        }
        else
        {
            w.WriteStringValue(double.IsNaN(value) ? "NaN" : value > 0 ? "Infinity" : "-Infinity");
        }
    }

    private static double ReadDouble(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.Number => e.GetDouble(),
        JsonValueKind.String => e.GetString() switch
        {
            "NaN" => double.NaN,
            "Infinity" => double.PositiveInfinity,
            "-Infinity" => double.NegativeInfinity,
            var other => throw new FormatException($"'{other}' is not a number."),
        },
        _ => throw new FormatException($"Expected a number, found {e.ValueKind}."),
    };

    private static byte[] Write(Action<Utf8JsonWriter> body)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            writer.WriteStartObject();
            body(writer);
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    internal sealed record Header(StudyDirection Direction, ulong Seed, SearchSpace Space, DateTimeOffset Created, int Format = FormatVersion);

    internal sealed record Session(int Number, DateTimeOffset Started, int ProcessId, string Host, string Sampler);

    internal sealed record SessionEnd(int Number, bool Interrupted, DateTimeOffset At);

    internal sealed record TrialStarted(int Number, IReadOnlyDictionary<string, ParameterValue> Params);

    internal sealed record TrialFinished(FinishedTrial Trial, RandomState RandomState);
}
