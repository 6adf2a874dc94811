using Checkpointing.Tests.Serialization;
using CsCheck;
using Microsoft.Extensions.Time.Testing;

namespace Checkpointing.Tests.Manager;

/// <summary>Whatever metadata a save is given comes back from List() (footer only) and from LoadLatest().</summary>
public sealed class MetadataRoundTripPropertyTests : IDisposable
{
    private const int Iterations = 60;

    private readonly TempRoot _root = new();

    public void Dispose() => _root.Dispose();

    [Fact]
    public void SaveThenListAndLoad_AnyMetadata_ReturnsItExactly()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        using var manager = new CheckpointManager("property", "metadata", _root.Options(o => o.TimeProvider = time));
        var gen = Gen.Select(
            Gen.OneOf(Gen.Long[0, long.MaxValue], Gen.Long[0, 1000]),
            Gen.Long[1, long.MaxValue].Nullable(0.3),
            Gen.Enum<CheckpointStatus>(),
            Gen.Dictionary(StateGen.NonEmptyText, StateGen.Double)[0, 6],
            Gen.Dictionary(StateGen.Text, StateGen.Text)[0, 6],
            Gen.Long[0, TimeSpan.TicksPerDay]);
        var runs = 0;
        gen.Sample(
            (step, total, status, metrics, tags, advance) =>
            {
                runs++;
                time.Advance(TimeSpan.FromTicks(advance));
                manager.DeleteAll();

                var saved = manager.Save(runs, step, total, status, metrics, tags);
                var listed = Assert.Single(manager.List());
                var loaded = manager.LoadLatest<int>();

                Assert.NotNull(loaded);
                Assert.Equal(runs, loaded.State);
                foreach (var meta in new[] { saved, listed, loaded.Metadata })
                {
                    Assert.Equal(saved.Id, meta.Id);
                    Assert.Equal(step, meta.Step);
                    Assert.Equal(total, meta.TotalSteps);
                    Assert.Equal(total is null ? null : 100.0 * step / total, meta.ProgressPercent);
                    Assert.Equal(status, meta.Status);
                    Assert.Equal(time.GetUtcNow(), meta.TimestampUtc);
                    Assert.Equal(TimeSpan.Zero, meta.TimestampUtc.Offset);
                    StateGen.AssertSame(metrics, meta.Metrics, "metrics");
                    Assert.Equal(tags.OrderBy(t => t.Key, StringComparer.Ordinal), meta.Tags.OrderBy(t => t.Key, StringComparer.Ordinal));
                    Assert.Equal(saved.StoredBytes, meta.StoredBytes);
                    Assert.Equal(saved.Checksum, meta.Checksum);
                    Assert.Equal(saved.StateBytes, meta.StateBytes);
                    Assert.Equal(saved.Compression, meta.Compression);
                }
            },
            iter: Iterations,
            threads: 1);

        Assert.Equal(Iterations, runs);
    }
}
