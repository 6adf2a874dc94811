using Checkpointing.Tests.Manager;
using Microsoft.Extensions.Time.Testing;

namespace Checkpointing.Tests.Retention;

/// <summary>Retention as applied by the manager after each durable save, on real files.</summary>
public sealed class RetentionEndToEndTests : IDisposable
{
    private readonly TempRoot _root = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 2, 3, 4, 0, 0, TimeSpan.Zero));

    public void Dispose() => _root.Dispose();

    [Fact]
    public void Save_KeepLastN_KeepsOnlyTheNewestNFiles()
    {
        using var manager = Open(o => o.KeepLastN = 2);

        SaveSeries(manager, 5);

        Assert.Equal([4L, 5L], Steps(manager));
        Assert.Equal(2, Directory.EnumerateFiles(manager.RunDirectory, "*.ckpt").Count());
    }

    [Fact]
    public void Save_DefaultOptions_KeepsFive()
    {
        using var manager = Open();

        SaveSeries(manager, 8);

        Assert.Equal([4L, 5L, 6L, 7L, 8L], Steps(manager));
    }

    [Fact]
    public void Save_KeepLastNNull_KeepsEverything()
    {
        using var manager = Open(o => o.KeepLastN = null);

        SaveSeries(manager, 12);

        Assert.Equal(Enumerable.Range(1, 12).Select(i => (long)i), Steps(manager));
    }

    [Fact]
    public void Save_KeepBestNMin_KeepsTheLowestLossEvenWhenOld()
    {
        using var manager = Open(o =>
        {
            o.KeepLastN = 2;
            o.BestMetric = "loss";
            o.BestMetricMode = BestMetricMode.Min;
        });

        SaveSeries(manager, 6, i => new Dictionary<string, double> { ["loss"] = i == 2 ? 0.01 : 1.0 / i });

        Assert.Equal([2L, 5L, 6L], Steps(manager));
        Assert.Equal(0.01, manager.Load<int>(2L).Metadata.Metrics["loss"]);
    }

    [Fact]
    public void Save_KeepBestNMax_KeepsTheHighestAccuracyEvenWhenOld()
    {
        using var manager = Open(o =>
        {
            o.KeepLastN = 1;
            o.BestMetric = "accuracy";
            o.BestMetricMode = BestMetricMode.Max;
            o.KeepBestN = 2;
        });

        SaveSeries(manager, 7, i => new Dictionary<string, double> { ["accuracy"] = i switch { 1 => 0.99, 3 => 0.98, _ => 0.5 } });

        Assert.Equal([1L, 3L, 7L], Steps(manager));
    }

    [Fact]
    public void Save_KeepEvery_KeepsOneCheckpointPerInterval()
    {
        using var manager = Open(o =>
        {
            o.KeepLastN = 2;
            o.KeepEvery = TimeSpan.FromHours(1);
        });

        SaveSeries(manager, 13, interval: TimeSpan.FromMinutes(25));

        // Saves at 0, 25, 50, ..., 300 minutes: kept at 0, 75, 150, 225, 300 by the interval, and the last two.
        var minutes = manager.List().Select(m => (int)(m.TimestampUtc - new DateTimeOffset(2026, 2, 3, 4, 0, 0, TimeSpan.Zero)).TotalMinutes);
        Assert.Equal([0, 75, 150, 225, 275, 300], minutes);
    }

    [Fact]
    public void Save_MaxTotalBytes_DeletesOldestUntilUnderTheCapButKeepsNewestAndBest()
    {
        using var probeRoot = new TempRoot();
        long size;
        using (var probe = new CheckpointManager("retention", "probe", probeRoot.Options(o => o.Compression = CheckpointCompression.None)))
        {
            size = probe.Save(new string('s', 2000), step: 10, metrics: new Dictionary<string, double> { ["loss"] = 0.5 }).StoredBytes;
        }

        var cap = (size * 3) + (size / 2);
        using var manager = Open(o =>
        {
            o.KeepLastN = null;
            o.Compression = CheckpointCompression.None;
            o.MaxTotalBytes = cap;
            o.BestMetric = "loss";
        });

        for (var step = 10; step <= 18; step++)
        {
            manager.Save(new string('s', 2000), step, metrics: new Dictionary<string, double> { ["loss"] = step == 11 ? 0.001 : 0.5 });
            _time.Advance(TimeSpan.FromMinutes(1));
            Assert.True(manager.List().Sum(m => m.StoredBytes) <= cap, $"after step {step} the run holds more than {cap} bytes");
        }

        Assert.Equal([11L, 17L, 18L], Steps(manager));
    }

    [Fact]
    public void Save_LowerStepThanNewest_KeepsBothTheNewestAndTheJustWritten()
    {
        using var manager = Open(o => o.KeepLastN = 1);
        manager.Save(10, step: 10);
        _time.Advance(TimeSpan.FromMinutes(1));

        var justWritten = manager.Save(5, step: 5);

        Assert.Equal([5L, 10L], Steps(manager));
        Assert.True(File.Exists(justWritten.FilePath));
    }

    [Fact]
    public void Save_LowerStepWhileDamagedFileSortsNewest_KeepsTheNewestValidCheckpoint()
    {
        using var manager = Open(o => o.KeepLastN = 1);
        manager.Save(9, step: 9);
        var valid = manager.List().Single();
        var damagedPath = Path.Combine(manager.RunDirectory, valid.Id.Replace("step_9_", "step_10_", StringComparison.Ordinal) + ".ckpt");
        File.WriteAllBytes(damagedPath, [.. File.ReadAllBytes(valid.FilePath).Take(100)]);

        _time.Advance(TimeSpan.FromSeconds(1));
        manager.Save(3, step: 3);

        Assert.True(File.Exists(valid.FilePath), "step 9, the newest valid checkpoint, was deleted by retention");
        Assert.Equal(9, manager.Load<int>(9L).State);
    }

    private static IEnumerable<long> Steps(CheckpointManager manager) => manager.List().Select(m => m.Step);

    private void SaveSeries(CheckpointManager manager, int count, Func<int, Dictionary<string, double>>? metrics = null, TimeSpan? interval = null)
    {
        for (var i = 1; i <= count; i++)
        {
            manager.Save(i, step: i, metrics: metrics?.Invoke(i));
            _time.Advance(interval ?? TimeSpan.FromMinutes(1));
        }
    }

    private CheckpointManager Open(Action<CheckpointOptions>? configure = null) =>
        new("retention", "run", _root.Options(o =>
        {
            o.TimeProvider = _time;
            configure?.Invoke(o);
        }));
}
