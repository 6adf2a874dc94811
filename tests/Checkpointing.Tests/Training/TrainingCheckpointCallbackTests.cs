using System.Globalization;
using System.Runtime.InteropServices;
using Checkpointing.Interrupts;
using Checkpointing.Tests.Interrupts;
using Checkpointing.Tests.Manager;
using Checkpointing.Training;
using Microsoft.Extensions.Time.Testing;

namespace Checkpointing.Tests.Training;

/// <summary>Every save policy of the callback, alone and combined, with time driven by <see cref="FakeTimeProvider"/>.</summary>
public sealed class TrainingCheckpointCallbackTests : IDisposable
{
    private readonly TempRoot _root = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero));
    private readonly CheckpointManager _manager;

    public TrainingCheckpointCallbackTests()
    {
        _manager = OpenManager();
    }

    public void Dispose()
    {
        _manager.Dispose();
        _root.Dispose();
    }

    [Fact]
    public void Hooks_DefaultOptions_NeverSavePeriodically()
    {
        var callback = Create();

        for (var i = 1; i <= 20; i++)
        {
            _time.Advance(TimeSpan.FromHours(1));
            Assert.Null(callback.OnTrialFinished(i, 20, TrainingState.At(i), Metrics(("loss", -i))));
            Assert.Null(callback.OnEpisodeEnd(i - 1, reward: i, TrainingState.At(i)));
            Assert.Null(callback.OnStepEnd(i, TrainingState.At(i)));
        }

        Assert.Empty(_manager.List());
        Assert.Equal(0, callback.SaveCount);
        Assert.Null(callback.LastSaveDuration);
    }

    [Fact]
    public void OnTrialFinished_EveryThreeTrials_SavesAtMultiplesOfThree()
    {
        var callback = Create(o => o.SaveEveryNTrials = 3);

        var saved = Enumerable.Range(1, 10).Select(i => callback.OnTrialFinished(i, 10, TrainingState.At(i))).ToList();

        Assert.Equal([3L, 6L, 9L], saved.OfType<CheckpointMetadata>().Select(m => m.Step));
        Assert.Equal([3L, 6L, 9L], _manager.List().Select(m => m.Step));
        var last = _manager.List()[^1];
        Assert.Equal(10, last.TotalSteps);
        Assert.Equal(CheckpointStatus.InProgress, last.Status);
        Assert.Equal("every 3 trials", last.Tags[TrainingCheckpointCallback.TriggerTag]);
        Assert.Equal(TrainingState.At(9), _manager.Load<TrainingState>(last.Id).State);
        Assert.Equal(3, callback.SaveCount);
        Assert.Equal(last.Id, callback.LastCheckpoint?.Id);
    }

    [Fact]
    public void OnTrialFinished_EveryNCountsAbsoluteTrials_SoAResumedRunSavesAtTheSameSteps()
    {
        var callback = Create(o => o.SaveEveryNTrials = 4);

        var saved = Enumerable.Range(6, 7).Select(i => callback.OnTrialFinished(i, 12, TrainingState.At(i))).OfType<CheckpointMetadata>().Select(m => m.Step);

        Assert.Equal([8L, 12L], saved);
    }

    [Fact]
    public void OnEpisodeEnd_EveryHundredEpisodes_SavesEpisodeCountWithReward()
    {
        var callback = Create(o => o.SaveEveryNEpisodes = 100);

        for (var episode = 0; episode < 300; episode++)
        {
            var saved = callback.OnEpisodeEnd(episode, reward: episode * 2.0, TrainingState.At(episode + 1), totalEpisodes: 1000);
            Assert.Equal((episode + 1) % 100 == 0, saved is not null);
        }

        var list = _manager.List();
        Assert.Equal([100L, 200L, 300L], list.Select(m => m.Step));
        Assert.Equal(598.0, list[^1].Metrics[TrainingCheckpointCallback.RewardMetric]);
        Assert.Equal(30.0, list[^1].ProgressPercent);
        Assert.Equal("every 100 episodes", list[^1].Tags[TrainingCheckpointCallback.TriggerTag]);
    }

    [Fact]
    public void OnEpisodeEnd_CallerGivesReward_CallersValueWins()
    {
        var callback = Create(o => o.SaveEveryNEpisodes = 1);

        var saved = callback.OnEpisodeEnd(0, reward: 1.0, TrainingState.At(1), metrics: Metrics(("reward", 7.0), ("epsilon", 0.1)));

        Assert.Equal(7.0, saved!.Metrics["reward"]);
        Assert.Equal(0.1, saved.Metrics["epsilon"]);
    }

    [Fact]
    public void OnStepEnd_EveryFiveSteps_SavesAtFiveAndTenButNeverAtZero()
    {
        var callback = Create(o => o.SaveEveryNSteps = 5);

        var saved = Enumerable.Range(0, 11).Select(i => callback.OnStepEnd(i, TrainingState.At(i), totalSteps: 10)).OfType<CheckpointMetadata>().Select(m => m.Step);

        Assert.Equal([5L, 10L], saved);
        Assert.Equal("every 5 steps", _manager.List()[^1].Tags[TrainingCheckpointCallback.TriggerTag]);
    }

    [Fact]
    public void SaveEvery_TenMinutes_SavesAtTheFirstHookAfterTheIntervalAndRestartsTheClock()
    {
        var callback = Create(o => o.SaveEvery = TimeSpan.FromMinutes(10));

        Assert.Null(callback.OnStepEnd(1, TrainingState.At(1)));
        _time.Advance(TimeSpan.FromMinutes(10) - TimeSpan.FromTicks(1));
        Assert.Null(callback.OnStepEnd(2, TrainingState.At(2)));
        _time.Advance(TimeSpan.FromTicks(1));
        Assert.Equal(3, callback.OnStepEnd(3, TrainingState.At(3))?.Step);
        Assert.Null(callback.OnStepEnd(4, TrainingState.At(4)));
        _time.Advance(TimeSpan.FromMinutes(9));
        Assert.Null(callback.OnStepEnd(5, TrainingState.At(5)));
        _time.Advance(TimeSpan.FromMinutes(1));
        var saved = callback.OnStepEnd(6, TrainingState.At(6));

        Assert.Equal(6, saved?.Step);
        Assert.Equal("time", saved!.Tags[TrainingCheckpointCallback.TriggerTag]);
    }

    [Fact]
    public void SaveEvery_ClockCountsFromAnyEarlierSave_IncludingOtherPolicies()
    {
        var callback = Create(o =>
        {
            o.SaveEvery = TimeSpan.FromMinutes(10);
            o.SaveEveryNTrials = 5;
        });

        _time.Advance(TimeSpan.FromMinutes(8));
        Assert.Equal("every 5 trials", callback.OnTrialFinished(5, null, TrainingState.At(5))?.Tags[TrainingCheckpointCallback.TriggerTag]);
        _time.Advance(TimeSpan.FromMinutes(8));
        Assert.Null(callback.OnTrialFinished(6, null, TrainingState.At(6)));
        _time.Advance(TimeSpan.FromMinutes(2));

        Assert.Equal("time", callback.OnTrialFinished(7, null, TrainingState.At(7))?.Tags[TrainingCheckpointCallback.TriggerTag]);
    }

    [Fact]
    public void SaveEvery_FinalSaveAlsoRestartsTheClock()
    {
        var callback = Create(o => o.SaveEvery = TimeSpan.FromMinutes(10));

        _time.Advance(TimeSpan.FromMinutes(9));
        callback.OnCompleted(1, TrainingState.At(1));
        _time.Advance(TimeSpan.FromMinutes(9));

        Assert.Null(callback.OnStepEnd(2, TrainingState.At(2)));
    }

    [Theory]
    [InlineData(BestMetricMode.Min, new[] { 5.0, 4.0, 4.0, 6.0, double.NaN, 3.0, double.NegativeInfinity, 3.5 }, new[] { 1, 2, 6 })]
    [InlineData(BestMetricMode.Max, new[] { 5.0, 4.0, 6.0, 6.0, double.NaN, 7.0, double.PositiveInfinity, 6.5 }, new[] { 1, 3, 6 })]
    public void SaveOnImprovement_StrictlyBetterFiniteValuesOnly(BestMetricMode mode, double[] values, int[] expectedSteps)
    {
        var callback = Create(o =>
        {
            o.SaveOnImprovement = "loss";
            o.ImprovementMode = mode;
        });

        var saved = values.Select((v, i) => callback.OnTrialFinished(i + 1, values.Length, TrainingState.At(i + 1), Metrics(("loss", v)))).ToList();

        Assert.Equal(expectedSteps.Select(s => (long)s), saved.OfType<CheckpointMetadata>().Select(m => m.Step));
        var best = values[expectedSteps[^1] - 1];
        Assert.Equal(best, callback.BestMetricValue);
        var last = _manager.List()[^1];
        Assert.Equal("improvement", last.Tags[TrainingCheckpointCallback.TriggerTag]);
        Assert.Equal(best.ToString("R", CultureInfo.InvariantCulture), last.Tags[TrainingCheckpointCallback.BestTagPrefix + "loss"]);
    }

    [Fact]
    public void SaveOnImprovement_MetricMissing_NeverSaves()
    {
        var callback = Create(o => o.SaveOnImprovement = "accuracy");

        Assert.Null(callback.OnTrialFinished(1, null, TrainingState.At(1), Metrics(("loss", 0.1))));
        Assert.Null(callback.OnTrialFinished(2, null, TrainingState.At(2)));
        Assert.Null(callback.BestMetricValue);
    }

    [Fact]
    public void SaveOnImprovement_EpisodeReward_UsesTheRewardMetric()
    {
        var callback = Create(o =>
        {
            o.SaveOnImprovement = TrainingCheckpointCallback.RewardMetric;
            o.ImprovementMode = BestMetricMode.Max;
        });

        var saved = new[] { 1.0, 0.5, 2.0 }.Select((r, e) => callback.OnEpisodeEnd(e, r, TrainingState.At(e + 1))).OfType<CheckpointMetadata>().Select(m => m.Step);

        Assert.Equal([1L, 3L], saved);
    }

    [Fact]
    public void SaveOnImprovement_NewCallbackOnResume_RemembersTheBestFromEarlierCheckpoints()
    {
        var first = Create(o => o.SaveOnImprovement = "loss");
        first.OnTrialFinished(1, null, TrainingState.At(1), Metrics(("loss", 3.0)));
        first.OnTrialFinished(2, null, TrainingState.At(2), Metrics(("loss", 2.0)));

        var resumed = Create(o => o.SaveOnImprovement = "loss");

        Assert.Equal(2.0, resumed.BestMetricValue);
        Assert.Null(resumed.OnTrialFinished(3, null, TrainingState.At(3), Metrics(("loss", 2.5))));
        Assert.Equal(4, resumed.OnTrialFinished(4, null, TrainingState.At(4), Metrics(("loss", 1.5)))?.Step);
    }

    [Fact]
    public void SaveOnImprovement_BestOnlyInTag_IsRestoredFromTheTag()
    {
        // The best value (1.0) was seen in a session whose improvement checkpoint is gone; the later periodic
        // checkpoint still carries it in its best.loss tag.
        var first = Create(o =>
        {
            o.SaveOnImprovement = "loss";
            o.SaveEveryNTrials = 3;
        });
        first.OnTrialFinished(1, null, TrainingState.At(1), Metrics(("loss", 1.0)));
        first.OnTrialFinished(2, null, TrainingState.At(2), Metrics(("loss", 5.0)));
        first.OnTrialFinished(3, null, TrainingState.At(3), Metrics(("loss", 4.0)));
        Assert.True(_manager.Delete(_manager.List()[0].Id));

        var resumed = Create(o => o.SaveOnImprovement = "loss");

        Assert.Equal(1.0, resumed.BestMetricValue);
    }

    [Fact]
    public void Policies_SeveralFireAtOnce_SaveOnceListingEveryTrigger()
    {
        var callback = Create(o =>
        {
            o.SaveEveryNTrials = 2;
            o.SaveEvery = TimeSpan.FromMinutes(1);
            o.SaveOnImprovement = "loss";
        });

        _time.Advance(TimeSpan.FromMinutes(5));
        var saved = callback.OnTrialFinished(2, 10, TrainingState.At(2), Metrics(("loss", 0.3)));

        Assert.Single(_manager.List());
        Assert.Equal("every 2 trials, time, improvement", saved!.Tags[TrainingCheckpointCallback.TriggerTag]);
        Assert.Equal(1, callback.SaveCount);
    }

    [Fact]
    public void Sessions_FreshRun_IsOneAndTaggedOnEverySave()
    {
        var callback = Create(o => o.SaveEveryNTrials = 1);

        callback.OnTrialFinished(1, null, TrainingState.At(1));
        callback.OnInterrupted(1, TrainingState.At(1));

        Assert.Equal(1, callback.Session);
        Assert.All(_manager.List(), m => Assert.Equal("1", m.Tags[TrainingCheckpointCallback.SessionsTag]));
    }

    [Fact]
    public void Sessions_EachResume_CountsOneMore()
    {
        for (var session = 1; session <= 3; session++)
        {
            var callback = Create();
            Assert.Equal(session, callback.Session);
            callback.OnInterrupted(session, TrainingState.At(session));
        }

        Assert.Equal(["1", "2", "3"], _manager.List().Select(m => m.Tags[TrainingCheckpointCallback.SessionsTag]));
    }

    [Fact]
    public void Sessions_CheckpointsWithoutTag_CountAsOneEarlierSession()
    {
        _manager.Save(TrainingState.At(1), 1);

        Assert.Equal(2, Create().Session);
    }

    [Fact]
    public void Sessions_UnreadableTag_CountsAsOneAndIsLogged()
    {
        _manager.Save(TrainingState.At(1), 1, tags: new Dictionary<string, string> { ["sessions"] = "many" });
        var logs = new CapturingLoggerFactory();

        var callback = Create(o => o.LoggerFactory = logs);

        Assert.Equal(2, callback.Session);
        Assert.Contains(logs.Entries, e => e.Id.Id == 161);
    }

    [Fact]
    public void OnInterrupted_WithHandler_SavesInterruptedTaggedWithTheSignal()
    {
        using var handler = NewHandler();
        handler.Request(PosixSignal.SIGTERM);
        var callback = Create(o => o.InterruptHandler = handler);

        var saved = callback.OnInterrupted(7, TrainingState.At(7), total: 50, Metrics(("loss", 0.5)));

        Assert.NotNull(saved);
        Assert.Equal(CheckpointStatus.Interrupted, saved.Status);
        Assert.Equal("SIGTERM", saved.Tags[TrainingCheckpointCallback.SignalTag]);
        Assert.Equal("interrupt", saved.Tags[TrainingCheckpointCallback.TriggerTag]);
        Assert.Equal(14.0, saved.ProgressPercent);
        var latest = _manager.LoadLatest<TrainingState>()!;
        Assert.Equal(TrainingState.At(7), latest.State);
        Assert.Equal(CheckpointStatus.Interrupted, latest.Metadata.Status);
    }

    [Fact]
    public void OnInterrupted_WithoutHandler_HasNoSignalTag()
    {
        var saved = Create().OnInterrupted(1, TrainingState.At(1));

        Assert.False(saved!.Tags.ContainsKey(TrainingCheckpointCallback.SignalTag));
    }

    [Fact]
    public void FinalHooks_OptionsOff_DoNotSave()
    {
        var callback = Create(o =>
        {
            o.SaveOnInterrupt = false;
            o.SaveOnCompletion = false;
            o.SaveOnFailure = false;
        });

        Assert.Null(callback.OnInterrupted(1, TrainingState.At(1)));
        Assert.Null(callback.OnCompleted(1, TrainingState.At(1)));
        Assert.Null(callback.OnFailed(1, TrainingState.At(1), new InvalidOperationException("x")));
        Assert.Empty(_manager.List());
    }

    [Fact]
    public void OnCompleted_Saves_CompletedStatus()
    {
        var saved = Create().OnCompleted(50, TrainingState.At(50), total: 50);

        Assert.Equal(CheckpointStatus.Completed, saved!.Status);
        Assert.Equal(100.0, saved.ProgressPercent);
        Assert.Equal("completion", saved.Tags[TrainingCheckpointCallback.TriggerTag]);
    }

    [Fact]
    public void OnFailed_ThrownException_SavesFailedWithTypeMessageAndStack()
    {
        Exception error;
        try
        {
            throw new InvalidOperationException("the loss became NaN");
        }
        catch (InvalidOperationException ex)
        {
            error = ex;
        }

        var saved = Create().OnFailed(12, TrainingState.At(12), error, total: 100);

        Assert.Equal(CheckpointStatus.Failed, saved!.Status);
        Assert.Equal("System.InvalidOperationException: the loss became NaN", saved.Tags[TrainingCheckpointCallback.ErrorTag]);
        Assert.Contains(nameof(OnFailed_ThrownException_SavesFailedWithTypeMessageAndStack), saved.Tags[TrainingCheckpointCallback.StackTag], StringComparison.Ordinal);
        Assert.Equal(12, saved.Step);
    }

    [Fact]
    public void OnFailed_LongStack_IsCutToTheLimit()
    {
        var saved = Create().OnFailed(1, TrainingState.At(1), new LongStackException(new string('x', 10_000)));

        var stack = saved!.Tags[TrainingCheckpointCallback.StackTag];
        Assert.Equal(TrainingCheckpointCallback.MaxStackTraceLength + 1, stack.Length);
        Assert.EndsWith("x…", stack, StringComparison.Ordinal);
    }

    [Fact]
    public void Saves_WithHandler_ReportEachSaveDurationAndWarnBeyondTheGracePeriod()
    {
        var output = new StringWriter();
        using var handler = NewHandler(output, TimeSpan.FromMilliseconds(500));
        var clock = new SteppingTimeProvider(TimeSpan.FromSeconds(1));
        var callback = Create(o =>
        {
            o.SaveEveryNTrials = 1;
            o.InterruptHandler = handler;
            o.TimeProvider = clock;
        });

        callback.OnTrialFinished(1, null, TrainingState.At(1));

        Assert.Equal(clock.Step, callback.LastSaveDuration);
        Assert.Equal(clock.Step, callback.LongestSaveDuration);
        Assert.Equal(clock.Step, handler.LongestSaveDuration);
        Assert.Contains("more than the 0.5 s grace period", output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Hooks_WithHandler_ReportTimeBetweenHooksAsUnitDuration()
    {
        var output = new StringWriter();
        using var handler = NewHandler(output, TimeSpan.FromSeconds(30));
        var callback = Create(o =>
        {
            o.SaveEveryNTrials = 1;
            o.InterruptHandler = handler;
        });

        _time.Advance(TimeSpan.FromMinutes(10));
        callback.OnTrialFinished(1, null, TrainingState.At(1));
        Assert.Null(handler.LongestUnitDuration);
        _time.Advance(TimeSpan.FromSeconds(20));
        callback.OnTrialFinished(2, null, TrainingState.At(2));
        Assert.Equal(TimeSpan.FromSeconds(20), handler.LongestUnitDuration);
        Assert.Empty(output.ToString());
        _time.Advance(TimeSpan.FromMinutes(2));
        callback.OnTrialFinished(3, null, TrainingState.At(3));

        Assert.Equal(TimeSpan.FromMinutes(2), handler.LongestUnitDuration);
        Assert.Contains("after finishing a unit of work of up to 120.0 s", output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AsyncHooks_SameArguments_SaveLikeTheSyncOnes()
    {
        var callback = Create(o =>
        {
            o.SaveEveryNTrials = 2;
            o.SaveEveryNEpisodes = 2;
            o.SaveEveryNSteps = 2;
        });

        Assert.Null(await callback.OnTrialFinishedAsync(1, 4, TrainingState.At(1)));
        Assert.Equal(2, (await callback.OnTrialFinishedAsync(2, 4, TrainingState.At(2)))?.Step);
        Assert.Equal(4, (await callback.OnEpisodeEndAsync(3, 1.0, TrainingState.At(4)))?.Step);
        Assert.Equal(6, (await callback.OnStepEndAsync(6, TrainingState.At(6)))?.Step);
        Assert.Equal(CheckpointStatus.Interrupted, (await callback.OnInterruptedAsync(6, TrainingState.At(6)))?.Status);
        Assert.Equal(CheckpointStatus.Failed, (await callback.OnFailedAsync(6, TrainingState.At(6), new TimeoutException("t")))?.Status);
        Assert.Equal(CheckpointStatus.Completed, (await callback.OnCompletedAsync(6, TrainingState.At(6)))?.Status);
        Assert.Equal(TrainingState.At(6), _manager.LoadLatest<TrainingState>()!.State);
        Assert.Equal(6, callback.SaveCount);
    }

    [Fact]
    public async Task AsyncHooks_CancelledToken_SaveNothing()
    {
        var callback = Create();
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => callback.OnInterruptedAsync(1, TrainingState.At(1), cancellationToken: cancelled.Token));

        Assert.Empty(_manager.List());
        Assert.Equal(0, callback.SaveCount);
    }

    [Fact]
    public void Hooks_NegativeStep_Throw()
    {
        var callback = Create();

        Assert.Throws<ArgumentOutOfRangeException>(() => callback.OnTrialFinished(-1, null, TrainingState.At(0)));
        Assert.Throws<ArgumentOutOfRangeException>(() => callback.OnEpisodeEnd(-1, 0, TrainingState.At(0)));
        Assert.Throws<ArgumentOutOfRangeException>(() => callback.OnStepEnd(-1, TrainingState.At(0)));
        Assert.Throws<ArgumentOutOfRangeException>(() => callback.OnInterrupted(-1, TrainingState.At(0)));
        Assert.Throws<ArgumentNullException>(() => callback.OnFailed(0, TrainingState.At(0), null!));
    }

    public static TheoryData<string, Action<TrainingCheckpointOptions>> InvalidOptions => new()
    {
        { "SaveEveryNTrials", o => o.SaveEveryNTrials = 0 },
        { "SaveEveryNEpisodes", o => o.SaveEveryNEpisodes = -1 },
        { "SaveEveryNSteps", o => o.SaveEveryNSteps = 0 },
        { "SaveEvery", o => o.SaveEvery = TimeSpan.Zero },
        { "SaveOnImprovement", o => o.SaveOnImprovement = " " },
        { "ImprovementMode", o => o.ImprovementMode = (BestMetricMode)9 },
        { "TimeProvider", o => o.TimeProvider = null! },
    };

    [Theory]
    [MemberData(nameof(InvalidOptions))]
    public void Constructor_InvalidOption_ThrowsNamingIt(string property, Action<TrainingCheckpointOptions> configure)
    {
        var options = new TrainingCheckpointOptions();
        configure(options);

        var error = Assert.Throws<ArgumentException>(() => new TrainingCheckpointCallback(_manager, options));

        Assert.Contains("TrainingCheckpointOptions." + property, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_ReadOnlyManager_Throws()
    {
        using var reader = new CheckpointManager("training", "run", _root.Options(o => o.ReadOnly = true));

        var error = Assert.Throws<ArgumentException>(() => new TrainingCheckpointCallback(reader));

        Assert.Contains("read-only", error.Message, StringComparison.Ordinal);
    }

    internal static IReadOnlyDictionary<string, double> Metrics(params (string Name, double Value)[] values) =>
        values.ToDictionary(v => v.Name, v => v.Value, StringComparer.Ordinal);

    private static InterruptHandler NewHandler(TextWriter? output = null, TimeSpan? grace = null) =>
        new(new InterruptOptions { Output = output ?? TextWriter.Null, GracePeriod = grace ?? TimeSpan.FromSeconds(30) }, _ => { });

    private CheckpointManager OpenManager() =>
        new("training", "run", _root.Options(o =>
        {
            o.KeepLastN = null;
            o.TimeProvider = _time;
        }));

    private TrainingCheckpointCallback Create(Action<TrainingCheckpointOptions>? configure = null)
    {
        var options = new TrainingCheckpointOptions { TimeProvider = _time };
        configure?.Invoke(options);
        return new TrainingCheckpointCallback(_manager, options);
    }

    private sealed class LongStackException(string stack) : Exception("long")
    {
        public override string StackTrace => stack;
    }
}
