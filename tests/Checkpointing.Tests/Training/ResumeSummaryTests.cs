using Checkpointing.Tests.Manager;
using Checkpointing.Training;
using Microsoft.Extensions.Time.Testing;

namespace Checkpointing.Tests.Training;

/// <summary>What a restart reports: checkpoint, progress, age, status, work redone and earlier stops.</summary>
public sealed class ResumeSummaryTests : IDisposable
{
    private static readonly DateTimeOffset Written = new(2026, 3, 4, 10, 0, 0, TimeSpan.Zero);

    private readonly TempRoot _root = new();
    private readonly FakeTimeProvider _time = new(Written);

    public void Dispose() => _root.Dispose();

    [Fact]
    public void From_InterruptedCheckpoint_DescribesEverything()
    {
        _time.Advance(TimeSpan.FromMinutes(3) + TimeSpan.FromSeconds(12));
        var checkpoint = Metadata(20, 50, CheckpointStatus.Interrupted, ("sessions", "2"), ("signal", "SIGINT"));

        var summary = ResumeSummary.From(checkpoint, time: _time);

        Assert.Equal(checkpoint.Id, summary.CheckpointId);
        Assert.Equal(20, summary.Step);
        Assert.Equal(50, summary.TotalSteps);
        Assert.Equal(40.0, summary.ProgressPercent);
        Assert.Equal(TimeSpan.FromSeconds(192), summary.Age);
        Assert.Equal("SIGINT", summary.Signal);
        Assert.Equal(2, summary.PreviousSessions);
        Assert.Equal(2, summary.Interruptions);
        Assert.True(summary.SavedOnStop);
        Assert.Equal("none: the run saved when it stopped", summary.WorkRedone);
        Assert.Equal(
            string.Join(
                Environment.NewLine,
                $"Checkpoint:   {checkpoint.Id}",
                "Progress:     step 20 of 50 (40.0%)",
                "Written:      2026-03-04 10:00:00 UTC (3 min 12 s ago)",
                "Status:       Interrupted (SIGINT)",
                "Work redone:  none: the run saved when it stopped",
                "Sessions:     2 before this one; stopped early 2 times"),
            summary.ToString());
    }

    [Fact]
    public void From_InProgressCheckpoint_SaysWorkAfterItsStepIsRedone()
    {
        var summary = ResumeSummary.From(Metadata(30, null, CheckpointStatus.InProgress, ("sessions", "1")), time: _time);

        Assert.False(summary.SavedOnStop);
        Assert.Equal("the run stopped without a final save; work after step 30 is redone", summary.WorkRedone);
        Assert.Equal(1, summary.Interruptions);
        Assert.Null(summary.ProgressPercent);
        Assert.Contains("Progress:     step 30" + Environment.NewLine, summary.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void From_FailedCheckpoint_ShowsTheErrorAndRedoesTheFailedWork()
    {
        var summary = ResumeSummary.From(Metadata(5, 10, CheckpointStatus.Failed, ("error", "System.IO.IOException: disk\nfull")), time: _time);

        Assert.Equal("System.IO.IOException: disk\nfull", summary.Error);
        Assert.Equal("the run failed after step 5; the work after it is run again", summary.WorkRedone);
        Assert.Contains("Status:       Failed (System.IO.IOException: disk full)", summary.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(CheckpointStatus.Completed, "3", 3, 2)]
    [InlineData(CheckpointStatus.Completed, null, 1, 0)]
    [InlineData(CheckpointStatus.Interrupted, null, 1, 1)]
    [InlineData(CheckpointStatus.InProgress, "garbage", 1, 1)]
    [InlineData(CheckpointStatus.Failed, "0", 1, 1)]
    public void Interruptions_CountEarlierSessionsThatStoppedEarly(CheckpointStatus status, string? sessions, int previous, int interruptions)
    {
        var tags = sessions is null ? [] : new[] { ("sessions", sessions) };

        var summary = ResumeSummary.From(Metadata(1, 2, status, tags), time: _time);

        Assert.Equal(previous, summary.PreviousSessions);
        Assert.Equal(interruptions, summary.Interruptions);
    }

    [Fact]
    public void From_ClockBehindTheCheckpoint_AgeIsZero()
    {
        var summary = ResumeSummary.From(Metadata(1, null, CheckpointStatus.InProgress), time: new FakeTimeProvider(Written - TimeSpan.FromHours(1)));

        Assert.Equal(TimeSpan.Zero, summary.Age);
    }

    [Fact]
    public void From_SkippedCheckpoints_AreListed()
    {
        var summary = ResumeSummary.From(Metadata(1, null, CheckpointStatus.InProgress), [new SkippedCheckpoint("a.ckpt", "bad checksum", "quarantine/a.ckpt")], _time);

        Assert.Single(summary.Skipped);
        Assert.EndsWith("Skipped:      1 damaged newer checkpoint (quarantined)", summary.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0, "0 s")]
    [InlineData(59.9, "59 s")]
    [InlineData(60, "1 min 0 s")]
    [InlineData(3599, "59 min 59 s")]
    [InlineData(3600 + 300, "1 h 5 min")]
    [InlineData(86400 * 3 + 3600 * 4 + 59, "3 d 4 h")]
    public void DescribeAge_Durations_AreShortAndHuman(double seconds, string expected)
    {
        Assert.Equal(expected, ResumeSummary.DescribeAge(TimeSpan.FromSeconds(seconds)));
    }

    [Fact]
    public void Describe_EmptyRun_ReturnsNull()
    {
        using var manager = new CheckpointManager("training", "empty", _root.Options());

        Assert.Null(ResumeSummary.Describe(manager, _time));
        Assert.Null(ResumeSummary.From(manager.Resume(() => 0), _time));
    }

    [Fact]
    public void Describe_AfterCallbackSessions_ReportsTheNewestCheckpointAndItsSessions()
    {
        using (var manager = new CheckpointManager("training", "run", _root.Options(o => o.TimeProvider = _time)))
        {
            new TrainingCheckpointCallback(manager, new TrainingCheckpointOptions { TimeProvider = _time }).OnInterrupted(4, TrainingState.At(4), 10);
        }

        using (var manager = new CheckpointManager("training", "run", _root.Options(o => o.TimeProvider = _time)))
        {
            var callback = new TrainingCheckpointCallback(manager, new TrainingCheckpointOptions { TimeProvider = _time, SaveEveryNTrials = 1 });
            callback.OnTrialFinished(5, 10, TrainingState.At(5));
            callback.OnTrialFinished(6, 10, TrainingState.At(6));
        }

        _time.Advance(TimeSpan.FromHours(2));
        using var reader = new CheckpointManager("training", "run", _root.Options(o => o.TimeProvider = _time));
        var described = ResumeSummary.Describe(reader, _time)!;
        var fromResume = ResumeSummary.From(reader.Resume(() => TrainingState.At(0)), _time)!;

        Assert.Equal(described, fromResume with { Skipped = described.Skipped });
        Assert.Equal(6, described.Step);
        Assert.Equal(60.0, described.ProgressPercent);
        Assert.Equal(CheckpointStatus.InProgress, described.Status);
        Assert.Equal(2, described.PreviousSessions);
        Assert.Equal(2, described.Interruptions);
        Assert.Equal(TimeSpan.FromHours(2), described.Age);
    }

    private static CheckpointMetadata Metadata(long step, long? total, CheckpointStatus status, params (string Key, string Value)[] tags) => new()
    {
        Id = $"checkpoint_step_{step}_20260304_100000",
        ProcessType = "training",
        Name = "run",
        Step = step,
        TotalSteps = total,
        TimestampUtc = Written,
        Status = status,
        Tags = tags.ToDictionary(t => t.Key, t => t.Value, StringComparer.Ordinal),
    };
}
