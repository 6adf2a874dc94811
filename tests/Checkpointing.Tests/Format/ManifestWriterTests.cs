using System.Reflection;
using System.Text;
using System.Text.Json;
using Checkpointing.Format;
using CsCheck;

namespace Checkpointing.Tests.Format;

/// <summary>
/// The hand-written manifest writer produces exactly the bytes of the source-generated
/// <see cref="ManifestJsonContext"/>, which the reader parses back to an equal manifest.
/// </summary>
public sealed class ManifestWriterTests
{
    [Fact]
    public void Write_WithoutOptionalFields_SameBytesAsSourceGenerated()
    {
        var manifest = new Manifest
        {
            CheckpointId = "checkpoint_step_7_20260101_120000",
            ProcessType = "training",
            Name = "run",
            Step = 7,
            CreatedUtc = new DateTimeOffset(2026, 1, 1, 12, 0, 0, TimeSpan.Zero),
            WriterHost = "host",
            WriterProcessId = 42,
            Serializer = "json",
            PayloadChecksum = "0123456789abcdef",
            Sections = [new SectionEntry { Name = "state", Offset = 32, StoredLength = 100, RawLength = 76, ChunkCount = 1, RawChecksum = "fedcba9876543210" }],
        };

        AssertSameAsSourceGenerated(manifest);
        Assert.DoesNotContain("totalSteps", Json(manifest), StringComparison.Ordinal);
        Assert.DoesNotContain("stateType", Json(manifest), StringComparison.Ordinal);
        Assert.DoesNotContain("journalSequence", Json(manifest), StringComparison.Ordinal);
        Assert.DoesNotContain("contentType", Json(manifest), StringComparison.Ordinal);
        Assert.DoesNotContain("elementType", Json(manifest), StringComparison.Ordinal);
        Assert.DoesNotContain("writeMs", Json(manifest), StringComparison.Ordinal);
        Assert.DoesNotContain("previousSave", Json(manifest), StringComparison.Ordinal);
        Assert.DoesNotContain("retention", Json(manifest), StringComparison.Ordinal);
    }

    [Fact]
    public void Write_EmptyRetentionAndPreviousWithoutId_SameBytesAsSourceGenerated()
    {
        AssertSameAsSourceGenerated(new Manifest { Retention = new RetentionEntry(), PreviousSave = new PreviousSaveEntry { DurationMs = -0.0 }, WriteMs = 0 });
    }

    [Fact]
    public void Write_WithEveryOptionalField_SameBytesAsSourceGenerated()
    {
        var manifest = new Manifest
        {
            FormatVersion = "1.2",
            CheckpointId = "checkpoint_step_9_20261129_235959_3",
            ProcessType = "tr\"ading",
            Name = "päper <run> & \u2603 \U0001F600",
            Step = long.MaxValue,
            TotalSteps = 1000,
            Status = CheckpointStatus.Interrupted,
            CreatedUtc = new DateTimeOffset(2026, 11, 29, 23, 59, 59, 123, TimeSpan.Zero).AddTicks(4567),
            Metrics = new Dictionary<string, double>(StringComparer.Ordinal)
            {
                ["loss"] = 0.1 + 0.2,
                ["nan"] = double.NaN,
                ["up"] = double.PositiveInfinity,
                ["down"] = double.NegativeInfinity,
                ["tiny"] = double.Epsilon,
                ["big"] = -1.7976931348623157E+308,
                ["zero"] = -0.0,
                ["é\n"] = 3,
            },
            Tags = new Dictionary<string, string>(StringComparer.Ordinal) { ["error"] = "line1\nline2\t\"quoted\" \\ </script>", ["empty"] = string.Empty },
            WriterHost = "host-ü",
            WriterProcessId = int.MaxValue,
            Compression = "zstd",
            Serializer = "json",
            StateType = "List`1",
            JournalSequence = 123456789012,
            WriteMs = 1234.5678,
            PreviousSave = new PreviousSaveEntry { CheckpointId = "checkpoint_step_8_20261129_235958", Step = 8, DurationMs = double.NaN },
            Retention = new RetentionEntry { KeepLastN = 5, KeepBestN = 1, BestMetric = "lo\"ss", BestMetricMode = "Min", KeepEveryMs = double.PositiveInfinity, MaxTotalBytes = long.MaxValue },
            PayloadChecksum = "0123456789abcdef",
            Sections =
            [
                new SectionEntry { Name = "state", Kind = "state", ContentType = "application/json", Offset = 32, StoredLength = 1 << 20, RawLength = 3 << 20, ChunkCount = 3, RawChecksum = "fedcba9876543210" },
                new SectionEntry { Name = "weights", Kind = "binary", ContentType = "application/octet-stream", ElementType = "float64", Offset = (1 << 20) + 32, StoredLength = 8, RawLength = 8, ChunkCount = 1, RawChecksum = "0000000000000000" },
            ],
        };

        AssertSameAsSourceGenerated(manifest);
    }

    [Fact]
    public void Write_EveryStatusAndAnUndefinedOne_SameBytesAsSourceGenerated()
    {
        foreach (var status in Enum.GetValues<CheckpointStatus>().Append((CheckpointStatus)17))
        {
            AssertSameAsSourceGenerated(new Manifest { Status = status });
        }
    }

    [Fact]
    public void Write_EveryPropertySet_SameBytesAsSourceGenerated()
    {
        // Sets every public property of the manifest and its sections to a value of its type, so that a
        // property added to Manifest or SectionEntry but not to ManifestWriter fails here.
        var manifest = Filled<Manifest>(1);
        manifest.Sections = [Filled<SectionEntry>(2), Filled<SectionEntry>(3)];
        manifest.PreviousSave = Filled<PreviousSaveEntry>(4);
        manifest.Retention = Filled<RetentionEntry>(5);

        var json = Json(manifest);
        AssertSameAsSourceGenerated(manifest);
        foreach (var property in new[] { typeof(Manifest), typeof(SectionEntry), typeof(PreviousSaveEntry), typeof(RetentionEntry) }.SelectMany(t => t.GetProperties()))
        {
            Assert.Contains($"\"{JsonNamingPolicy.CamelCase.ConvertName(property.Name)}\":", json, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Write_NullCollectionsAndStrings_LeftOutAsSourceGenerated()
    {
        var manifest = new Manifest { FormatVersion = null!, Name = null!, Metrics = null!, Tags = null!, Sections = null! };

        AssertSameAsSourceGenerated(manifest, roundTrip: false);
    }

    [Fact]
    public void Write_ArbitraryTextAndNumbers_ReadBackEqual()
    {
        var text = Gen.String[Gen.Char.Where(c => !char.IsSurrogate(c)), 0, 20];
        Gen.Select(text, Gen.Long, Gen.Double, Gen.Dictionary(text, Gen.Double)[0, 4], Gen.Dictionary(text, text)[0, 4], Gen.Long.Nullable(0.5))
            .Sample(
                (name, step, metric, metrics, tags, journalSequence) =>
                {
                    metrics["m"] = metric;
                    var manifest = new Manifest
                    {
                        Name = name,
                        Step = step,
                        Metrics = metrics,
                        Tags = tags,
                        JournalSequence = journalSequence,
                        StateType = name.Length % 2 == 0 ? null : name,
                        Sections = [new SectionEntry { Name = name, ContentType = name, RawLength = step }],
                    };

                    AssertSameAsSourceGenerated(manifest);
                },
                iter: 500);
    }

    private static void AssertSameAsSourceGenerated(Manifest manifest, bool roundTrip = true)
    {
        var expected = JsonSerializer.SerializeToUtf8Bytes(manifest, ManifestJsonContext.Default.Manifest);
        var written = ManifestWriter.Write(manifest);
        Assert.Equal(Encoding.UTF8.GetString(expected), Encoding.UTF8.GetString(written));
        Assert.Equal(expected, written);
        if (!roundTrip)
        {
            return;
        }

        // The reader parses the hand-written bytes into a manifest equal to the one written (compared as
        // the source-generated serialisation of each, which covers every property).
        var parsed = JsonSerializer.Deserialize(written, ManifestJsonContext.Default.Manifest);
        Assert.NotNull(parsed);
        Assert.Equal(expected, JsonSerializer.SerializeToUtf8Bytes(parsed, ManifestJsonContext.Default.Manifest));
    }

    private static string Json(Manifest manifest) => Encoding.UTF8.GetString(ManifestWriter.Write(manifest));

    private static T Filled<T>(int seed)
        where T : new()
    {
        var value = new T();
        foreach (var property in typeof(T).GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite))
        {
            var type = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
            object? v = type switch
            {
                _ when type == typeof(string) => $"{property.Name}-{seed}",
                _ when type == typeof(long) => 1_000_000_000_000L + seed,
                _ when type == typeof(int) => 1000 + seed,
                _ when type == typeof(double) => seed + 0.0625,
                _ when type == typeof(PreviousSaveEntry) => null,
                _ when type == typeof(RetentionEntry) => null,
                _ when type == typeof(DateTimeOffset) => new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero).AddTicks(seed),
                _ when type == typeof(CheckpointStatus) => CheckpointStatus.Completed,
                _ when type == typeof(Dictionary<string, double>) => new Dictionary<string, double> { [$"m{seed}"] = seed + 0.5 },
                _ when type == typeof(Dictionary<string, string>) => new Dictionary<string, string> { [$"t{seed}"] = $"v{seed}" },
                _ when type == typeof(List<SectionEntry>) => new List<SectionEntry>(),
                _ => throw new InvalidOperationException($"Fill {typeof(T).Name}.{property.Name} of type {type.Name} in this test (and write it in ManifestWriter)."),
            };
            property.SetValue(value, v);
        }

        return value;
    }
}
