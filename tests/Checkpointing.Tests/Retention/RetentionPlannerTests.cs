using Checkpointing.Retention;
using Checkpointing.Storage;
using CsCheck;

namespace Checkpointing.Tests.Retention;

public sealed class RetentionPlannerTests
{
    private static readonly DateTime Start = new(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    [Fact]
    public void PlanDeletions_NoCandidates_DeletesNothing()
    {
        Assert.Empty(Plan(new CheckpointOptions(), []));
    }

    [Fact]
    public void PlanDeletions_KeepLastN_DeletesAllButTheNewestN()
    {
        var all = Series(6);

        var deleted = Plan(new CheckpointOptions { KeepLastN = 3 }, all, justWritten: all[^1]);

        Assert.Equal([1L, 2L, 3L], Steps(deleted));
    }

    [Fact]
    public void PlanDeletions_KeepLastNNull_KeepsEverything()
    {
        var all = Series(50);

        Assert.Empty(Plan(new CheckpointOptions { KeepLastN = null }, all, justWritten: all[^1]));
    }

    [Fact]
    public void PlanDeletions_JustWrittenIsNotTheNewest_KeepsBoth()
    {
        var all = Series(5);

        var deleted = Plan(new CheckpointOptions { KeepLastN = 1 }, all, justWritten: all[1]);

        Assert.Equal([1L, 3L, 4L], Steps(deleted));
    }

    [Fact]
    public void PlanDeletions_InputInAnyOrder_UsesStepOrder()
    {
        var all = Series(6);
        var shuffled = all.OrderBy(c => c.Name.Step % 3).ThenByDescending(c => c.Name.Step).ToList();

        var deleted = Plan(new CheckpointOptions { KeepLastN = 2 }, shuffled, justWritten: all[^1]);

        Assert.Equal([1L, 2L, 3L, 4L], Steps(deleted).Order());
    }

    [Fact]
    public void PlanDeletions_KeepBestNMin_KeepsTheLowestEvenWhenOld()
    {
        var all = Series(6, best: [0.1, 0.9, 0.5, 0.2, 0.8, 0.7]);
        var options = new CheckpointOptions { KeepLastN = 2, BestMetric = "loss", BestMetricMode = BestMetricMode.Min, KeepBestN = 2 };

        var deleted = Plan(options, all, justWritten: all[^1]);

        Assert.Equal([2L, 3L], Steps(deleted));
    }

    [Fact]
    public void PlanDeletions_KeepBestNMax_KeepsTheHighestEvenWhenOld()
    {
        var all = Series(6, best: [0.99, 0.1, 0.5, 0.2, 0.3, 0.4]);
        var options = new CheckpointOptions { KeepLastN = 1, BestMetric = "accuracy", BestMetricMode = BestMetricMode.Max, KeepBestN = 1 };

        var deleted = Plan(options, all, justWritten: all[^1]);

        Assert.Equal([2L, 3L, 4L, 5L], Steps(deleted));
    }

    [Fact]
    public void PlanDeletions_KeepBestNZero_StillNeverDeletesTheBest()
    {
        var all = Series(4, best: [0.1, 0.5, 0.6, 0.7]);
        var options = new CheckpointOptions { KeepLastN = 1, BestMetric = "loss", KeepBestN = 0 };

        var deleted = Plan(options, all, justWritten: all[^1]);

        Assert.Equal([2L, 3L], Steps(deleted));
    }

    [Fact]
    public void PlanDeletions_EqualBestValues_KeepsTheNewerOne()
    {
        var all = Series(4, best: [0.1, 0.5, 0.1, 0.7]);
        var options = new CheckpointOptions { KeepLastN = 1, BestMetric = "loss", KeepBestN = 1 };

        var deleted = Plan(options, all, justWritten: all[^1]);

        Assert.Equal([1L, 2L], Steps(deleted));
    }

    [Fact]
    public void PlanDeletions_MissingOrNaNMetric_IsNeverBest()
    {
        var all = Series(4, best: [double.NaN, null, 0.9, 0.95]);
        var options = new CheckpointOptions { KeepLastN = 1, BestMetric = "loss", KeepBestN = 1 };

        var deleted = Plan(options, all, justWritten: all[^1]);

        Assert.Equal([1L, 2L], Steps(deleted));
    }

    [Fact]
    public void PlanDeletions_KeepEvery_KeepsOnePerInterval()
    {
        // Saves every 20 minutes for five hours; one per hour is kept forever, plus the newest.
        var all = Series(16, interval: TimeSpan.FromMinutes(20));
        var options = new CheckpointOptions { KeepLastN = 1, KeepEvery = TimeSpan.FromHours(1) };

        var deleted = Plan(options, all, justWritten: all[^1]);

        var kept = all.Except(deleted).Select(c => (c.Name.TimestampUtc - Start).TotalMinutes).ToList();
        Assert.Equal([0.0, 60, 120, 180, 240, 300], kept);
    }

    [Fact]
    public void PlanDeletions_KeepEveryWithIrregularSaves_KeepsTheFirstAtLeastOneIntervalAfterTheLastKept()
    {
        var minutes = new[] { 0, 50, 70, 100, 125, 190, 200 };
        var all = minutes.Select((m, i) => Candidate(i + 1, Start.AddMinutes(m))).ToList();
        var options = new CheckpointOptions { KeepLastN = 1, KeepEvery = TimeSpan.FromHours(1) };

        var deleted = Plan(options, all, justWritten: all[^1]);

        var kept = all.Except(deleted).Select(c => (int)(c.Name.TimestampUtc - Start).TotalMinutes).ToList();
        Assert.Equal([0, 70, 190, 200], kept);
    }

    [Fact]
    public void PlanDeletions_MaxTotalBytes_DeletesOldestUntilUnderTheCap()
    {
        var all = Series(10, size: 100);

        var deleted = Plan(new CheckpointOptions { KeepLastN = null, MaxTotalBytes = 450 }, all, justWritten: all[^1]);

        Assert.Equal([1L, 2L, 3L, 4L, 5L, 6L], Steps(deleted));
    }

    [Fact]
    public void PlanDeletions_MaxTotalBytesBelowNewestPlusBest_KeepsBothAnyway()
    {
        var all = Series(6, size: 100, best: [0.01, 0.5, 0.6, 0.7, 0.8, 0.9]);
        var options = new CheckpointOptions { KeepLastN = null, MaxTotalBytes = 150, BestMetric = "loss" };

        var deleted = Plan(options, all, justWritten: all[^1]);

        Assert.Equal([2L, 3L, 4L, 5L], Steps(deleted));
    }

    [Fact]
    public void PlanDeletions_SingleCheckpointLargerThanCap_KeepsIt()
    {
        var all = Series(1, size: 10_000);

        Assert.Empty(Plan(new CheckpointOptions { MaxTotalBytes = 1 }, all, justWritten: all[0]));
    }

    [Fact]
    public void PlanDeletions_MaxTotalBytesWithKeepLastN_CountsOnlyWhatTheRulesKeep()
    {
        var all = Series(8, size: 100);

        var deleted = Plan(new CheckpointOptions { KeepLastN = 4, MaxTotalBytes = 300 }, all, justWritten: all[^1]);

        Assert.Equal([1L, 2L, 3L, 4L, 5L], Steps(deleted).Order());
    }

    [Fact]
    public void PlanDeletions_AnyCandidatesAndOptions_NeverDeletesNewestJustWrittenOrBest()
    {
        var candidates = Gen.Select(Gen.Long[0, 40], Gen.Int[0, 600], Gen.Long[1, 1000], Gen.Double[-1, 1].Nullable(0.2))
            .Select((step, minute, size, best) => Candidate(step, Start.AddMinutes(minute), size, best))
            .List[1, 25]
            .Select(list => list.DistinctBy(c => c.Name).ToList());
        var options = Gen.Select(Gen.Int[1, 6].Nullable(0.2), Gen.Int[0, 3], Gen.Bool, Gen.Bool, Gen.Int[1, 180].Nullable(0.5), Gen.Long[1, 5000].Nullable(0.5))
            .Select((lastN, bestN, trackBest, max, everyMinutes, cap) => new CheckpointOptions
            {
                KeepLastN = lastN,
                KeepBestN = bestN,
                BestMetric = trackBest ? "m" : null,
                BestMetricMode = max ? BestMetricMode.Max : BestMetricMode.Min,
                KeepEvery = everyMinutes is int m ? TimeSpan.FromMinutes(m) : null,
                MaxTotalBytes = cap,
            });

        Gen.Select(candidates, options, Gen.Int[0, 1000]).Sample(
            (all, o, pick) =>
            {
                var justWritten = all[pick % all.Count];
                var deleted = Plan(o, all, justWritten);

                var newest = all.Max(c => c.Name)!;
                Assert.DoesNotContain(deleted, c => c.Name == newest);
                Assert.DoesNotContain(deleted, c => c.Name == justWritten.Name);
                Assert.Equal(deleted.Count, deleted.Distinct().Count());
                Assert.All(deleted, c => Assert.Contains(c, all));
                if (o.BestMetric is not null)
                {
                    var withValue = all.Where(c => c.BestValue is double v && !double.IsNaN(v)).ToList();
                    if (withValue.Count > 0)
                    {
                        var bestValue = o.BestMetricMode == BestMetricMode.Max ? withValue.Max(c => c.BestValue) : withValue.Min(c => c.BestValue);
                        Assert.Contains(all.Except(deleted), c => c.BestValue == bestValue);
                    }
                }

                if (o.MaxTotalBytes is null && o.KeepLastN is int n)
                {
                    var lastN = all.OrderBy(c => c.Name).TakeLast(n);
                    Assert.Empty(deleted.Intersect(lastN));
                }

                if (o.KeepLastN is null && o.MaxTotalBytes is null)
                {
                    Assert.Empty(deleted);
                }
            },
            iter: 1000);
    }

    [Fact]
    public void PlanDeletions_OnlyKeepLastN_SameAsTheFullPlanner()
    {
        // The planner takes a shortcut when last-N is the only rule; it must decide exactly as the general one.
        var candidates = Gen.Select(Gen.Long[0, 40], Gen.Int[0, 600], Gen.Int[0, 2])
            .Select((step, minute, n) => new RetentionCandidate(new CheckpointFileName(step, Start.AddMinutes(minute), n), 100, null))
            .List[1, 25]
            .Select(list => list.DistinctBy(c => c.Name).ToList());

        Gen.Select(candidates, Gen.Int[1, 8].Nullable(0.2), Gen.Int[0, 1000].Nullable(0.2), Gen.Int[0, 1000].Nullable(0.5), Gen.Int[0, 3]).Sample(
            (all, lastN, written, valid, keepBestN) =>
            {
                var planner = new RetentionPlanner(new CheckpointOptions { KeepLastN = lastN, KeepBestN = keepBestN });
                var justWritten = written is int w ? all[w % all.Count].Name : null;
                var newestValid = valid is int v ? all[v % all.Count].Name : null;

                var expected = planner.PlanAllRules(all, justWritten, newestValid);

                Assert.Equal(expected, planner.PlanDeletions(all, justWritten, newestValid));
                Assert.Equal(expected, planner.PlanLastN(all, justWritten, newestValid));
            },
            iter: 2000);
    }

    private static List<RetentionCandidate> Plan(CheckpointOptions options, IReadOnlyList<RetentionCandidate> all, RetentionCandidate? justWritten = null) =>
        [.. new RetentionPlanner(options).PlanDeletions(all, justWritten?.Name)];

    private static IEnumerable<long> Steps(IEnumerable<RetentionCandidate> candidates) => candidates.Select(c => c.Name.Step);

    private static List<RetentionCandidate> Series(int count, TimeSpan? interval = null, long size = 100, double?[]? best = null) =>
        Enumerable.Range(0, count)
            .Select(i => Candidate(i + 1, Start + ((interval ?? TimeSpan.FromMinutes(1)) * i), size, best?[i]))
            .ToList();

    private static RetentionCandidate Candidate(long step, DateTime time, long size = 100, double? best = null) =>
        new(new CheckpointFileName(step, time, 0), size, best);
}
