using Checkpointing.Tests.Manager;

namespace Checkpointing.Tests.Retention;

/// <summary><see cref="CheckpointManager.ApplyRetention"/>: the save-time retention rules run on demand (what <c>ckpt prune</c> does).</summary>
public sealed class ApplyRetentionTests : IDisposable
{
    private const string Type = "training";
    private const string Run = "prune";

    private readonly TempRoot _root = new();

    public void Dispose() => _root.Dispose();

    [Fact]
    public void ApplyRetention_KeepLastTwo_DeletesTheOlderOnesOldestFirstAndDryRunDeletesNothing()
    {
        var ids = SaveSteps(6, keepBest: false);
        using var manager = new CheckpointManager(Type, Run, _root.Options(o => o.KeepLastN = 2));

        var wouldDelete = manager.ApplyRetention(dryRun: true);
        Assert.Equal(6, manager.List().Count);
        var deleted = manager.ApplyRetention();

        Assert.Equal(ids[..4], wouldDelete);
        Assert.Equal(ids[..4], deleted);
        Assert.Equal([5L, 6L], manager.List().Select(m => m.Step));
        Assert.Empty(manager.ApplyRetention());
    }

    [Fact]
    public void ApplyRetention_KeepLastOneAndTheBest_KeepsTheBestAndTheNewest()
    {
        SaveSteps(6, keepBest: true);
        using var manager = new CheckpointManager(Type, Run, _root.Options(o =>
        {
            o.KeepLastN = 1;
            o.BestMetric = "loss";
            o.BestMetricMode = BestMetricMode.Min;
        }));

        manager.ApplyRetention();

        Assert.Equal([2L, 6L], manager.List().Select(m => m.Step));
    }

    [Fact]
    public void ApplyRetention_ReadOnly_DryRunAnswersAndARealRunIsRefused()
    {
        var ids = SaveSteps(3, keepBest: false);
        using var reader = new CheckpointManager(Type, Run, _root.Options(o =>
        {
            o.ReadOnly = true;
            o.KeepLastN = 1;
        }));

        Assert.Equal(ids[..2], reader.ApplyRetention(dryRun: true));
        Assert.Throws<InvalidOperationException>(() => reader.ApplyRetention());
        Assert.Equal(3, reader.List().Count);
    }

    /// <summary>Saves steps 1..count with every checkpoint kept; the loss is lowest at step 2 when <paramref name="keepBest"/>.</summary>
    private string[] SaveSteps(int count, bool keepBest)
    {
        using var manager = new CheckpointManager(Type, Run, _root.Options(o => o.KeepLastN = null));
        return [.. Enumerable.Range(1, count).Select(step => manager.Save(
            new { Step = step },
            step,
            metrics: new Dictionary<string, double> { ["loss"] = keepBest && step == 2 ? 0.01 : 1.0 / step }).Id)];
    }
}
