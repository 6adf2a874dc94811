using Checkpointing.Cli.Runs;
using Checkpointing.Training;

namespace Checkpointing.Cli.Tests;

public sealed class ProgressEstimateTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 30, 1, 0, 0, TimeSpan.Zero);

    [Fact]
    public void From_TwoSessionsWithAPauseBetween_RateLeavesThePauseOut()
    {
        // Session 1: steps 10, 20 one second apart; a 100 s pause; session 2: steps 30, 40 one second apart.
        var checkpoints = new[]
        {
            Checkpoint(10, 0, session: 1),
            Checkpoint(20, 1, session: 1),
            Checkpoint(30, 102, session: 2),
            Checkpoint(40, 103, session: 2),
        };

        var estimate = ProgressEstimate.From(checkpoints);

        Assert.Equal(10, estimate.StepsPerSecond!.Value, 9);
        Assert.Equal(TimeSpan.FromSeconds(6), estimate.Remaining); // 60 steps left of 100
    }

    [Fact]
    public void From_OneCheckpointPerSession_FallsBackToTheWholeSpan()
    {
        var checkpoints = new[] { Checkpoint(10, 0, session: 1), Checkpoint(30, 10, session: 2) };

        Assert.Equal(2, ProgressEstimate.From(checkpoints).StepsPerSecond!.Value, 9);
    }

    [Fact]
    public void From_OneCheckpoint_HasNoRate() =>
        Assert.Null(ProgressEstimate.From([Checkpoint(10, 0, session: 1)]).StepsPerSecond);

    [Fact]
    public void Count_EarlierSessionsDeletedByRetention_CountsThemFromTheSessionsTag()
    {
        var checkpoints = new[] { Checkpoint(30, 0, session: 3), Checkpoint(40, 1, session: 3) };

        Assert.Equal(3, RunSessions.Count(checkpoints));
    }

    [Fact]
    public void Count_NoSessionsTag_CountsTheWriterGenerationsSeen()
    {
        var checkpoints = new[]
        {
            Checkpoint(10, 0, session: null) with { WriterGeneration = 1 },
            Checkpoint(20, 1, session: null) with { WriterGeneration = 2 },
            Checkpoint(30, 2, session: null) with { WriterGeneration = 2 },
        };

        Assert.Equal(2, RunSessions.Count(checkpoints));
    }

    private static CheckpointMetadata Checkpoint(long step, double seconds, int? session) => new()
    {
        Id = $"checkpoint_step_{step}",
        ProcessType = "training",
        Name = "run",
        Step = step,
        TotalSteps = 100,
        TimestampUtc = Start.AddSeconds(seconds),
        Tags = session is int s ? new Dictionary<string, string> { [TrainingCheckpointCallback.SessionsTag] = s.ToString(System.Globalization.CultureInfo.InvariantCulture) } : new Dictionary<string, string>(),
    };
}
