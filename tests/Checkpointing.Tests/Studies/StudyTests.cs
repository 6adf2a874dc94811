using Checkpointing.RecordLog;
using Checkpointing.Randomness;
using Checkpointing.Studies;
using Checkpointing.Tests.Manager;
using Microsoft.Extensions.Time.Testing;

namespace Checkpointing.Tests.Studies;

/// <summary>
/// The study on the real file system: trials recorded and best tracked, nTrials as the total,
/// resume equivalence across sessions, cancellation, failures, mismatched settings and misuse.
/// </summary>
public sealed class StudyTests : IDisposable
{
    private const string ProcessType = "hpo";
    private const string RunName = "study";
    private readonly TempRoot _root = new();

    public void Dispose() => _root.Dispose();

    [Fact]
    public void Optimize_Minimize_RecordsEveryTrialInOrderAndTheBest()
    {
        using var manager = Manager();
        using var study = Study.CreateOrResume(manager, StudyTestKit.Space(), new StudyOptions { Seed = 1 });

        study.Optimize(StudyTestKit.Objective, nTrials: 25);

        Assert.Equal(25, study.CompletedTrials);
        Assert.Equal(Enumerable.Range(0, 25), study.Trials.Select(t => t.Number));
        Assert.All(study.Trials, t => Assert.Equal(TrialState.Complete, t.State));
        var best = study.Trials.OrderBy(t => t.Value).ThenBy(t => t.Number).First();
        Assert.Same(best, study.BestTrial);
        Assert.Equal(best.Value, study.BestValue);
        Assert.Equal(25, study.TargetTrials);
        Assert.False(study.WasInterrupted);
        Assert.Equal((1, 0, 0), (study.Sessions, study.Interruptions, study.ResumedTrials));
        Assert.Null(study.InterruptedTrialNumber);
    }

    [Fact]
    public void Optimize_Maximize_BestIsTheLargestValue()
    {
        using var manager = Manager();
        using var study = Study.CreateOrResume(manager, StudyTestKit.Space(), new StudyOptions { Direction = StudyDirection.Maximize, Seed = 1 });

        study.Optimize(t => -StudyTestKit.Objective(t), nTrials: 15);

        Assert.Equal(study.Trials.Max(t => t.Value), study.BestValue);
    }

    [Theory]
    [InlineData("tpe")]
    [InlineData("random")]
    public void CreateOrResume_ThirtyTrialsInThreeSessions_IdenticalToOneSession(string sampler)
    {
        var options = new StudyOptions { Seed = 42, Sampler = sampler == "tpe" ? new TpeSampler() : new RandomSampler() };
        var reference = RunInOneSession(options, 30);

        for (var session = 1; session <= 3; session++)
        {
            using var manager = Manager();
            using var study = Study.CreateOrResume(manager, StudyTestKit.Space(), options);
            Assert.Equal((session - 1) * 10, study.ResumedTrials);
            study.Optimize(StudyTestKit.Objective, nTrials: session * 10);
            Assert.Equal(session, study.Sessions);
            Assert.Equal(0, study.Interruptions);
        }

        using var finalManager = Manager();
        using var final = Study.CreateOrResume(finalManager, StudyTestKit.Space(), options);
        StudyTestKit.AssertSameTrials(reference, final.Trials, $"sampler {sampler}");
        Assert.Equal(reference.Where(t => t.Value is not null).Min(t => t.Value), final.BestValue);
    }

    [Fact]
    public void Optimize_RandomSampler_DrawsTheSeedsStreamInOrder()
    {
        using var manager = Manager();
        using var study = Study.CreateOrResume(manager, StudyTestKit.Space(), new StudyOptions { Seed = 77, Sampler = new RandomSampler() });

        study.Optimize(StudyTestKit.Objective, nTrials: 8);

        var stream = new CheckpointableRandom(77);
        var expected = Enumerable.Range(0, 8).Select(_ => new RandomSampler().Sample(StudyTestKit.Space(), [], StudyDirection.Minimize, stream)).ToList();
        Assert.Equal(expected, study.Trials.Select(t => t.Params));
        Assert.Equal(stream.State, study.CreateSnapshot().RandomState);
    }

    [Fact]
    public void CreateOrResume_JournalTornAtEveryOffsetOfLastTrialRecord_ResumesWithoutThatTrialAndFinishesIdentically()
    {
        var options = new StudyOptions { Seed = 21, Sampler = new TpeSampler(startupTrials: 3) };
        var reference = RunInOneSession(options, 6);
        var journal = Path.Combine(_root.RunDirectory(ProcessType, RunName), Study.JournalFileName);
        using (var manager = Manager())
        using (var study = Study.CreateOrResume(manager, StudyTestKit.Space(), options))
        {
            study.Optimize(StudyTestKit.Objective, 5);
        }

        var full = File.ReadAllBytes(journal);
        LogRecord last;
        using (var log = AppendOnlyLog.Open(journal))
        {
            last = log.Records.Last(r => System.Text.Encoding.UTF8.GetString(r.Payload.Span).Contains("\"type\":\"trial\"", StringComparison.Ordinal));
        }

        var end = last.Offset + AppendOnlyLog.RecordOverhead + last.Payload.Length;
        for (var cut = last.Offset; cut < end; cut++)
        {
            File.WriteAllBytes(journal, full[..(int)cut]);
            using var manager = Manager();
            using var study = Study.CreateOrResume(manager, StudyTestKit.Space(), options);
            Assert.Equal(4, study.CompletedTrials);
            Assert.Equal(4, study.InterruptedTrialNumber);
            StudyTestKit.AssertSameTrials(reference[..4], study.Trials, $"cut at {cut}");
            if (cut % 41 == 0)
            {
                study.Optimize(StudyTestKit.Objective, 6);
                StudyTestKit.AssertSameTrials(reference, study.Trials, $"cut at {cut}, then finished");
            }
        }
    }

    [Fact]
    public void Optimize_ResumedWithSameTotal_RunsOnlyTheRemainingTrials()
    {
        var options = new StudyOptions { Seed = 3 };
        using (var manager = Manager())
        using (var study = Study.CreateOrResume(manager, StudyTestKit.Space(), options))
        {
            study.Optimize(StudyTestKit.Objective, 7);
        }

        using var again = Manager();
        using var resumed = Study.CreateOrResume(again, StudyTestKit.Space(), options);
        var calls = 0;

        resumed.Optimize(t => { calls++; return StudyTestKit.Objective(t); }, nTrials: 12);
        resumed.Optimize(t => { calls++; return StudyTestKit.Objective(t); }, nTrials: 12);

        Assert.Equal(5, calls);
        Assert.Equal(12, resumed.CompletedTrials);
    }

    [Fact]
    public void Optimize_CancelledDuringTrial_FinishesAndRecordsItThenReturnsInterrupted()
    {
        var options = new StudyOptions { Seed = 5 };
        var reference = RunInOneSession(options, 12);
        using var cts = new CancellationTokenSource();
        using (var manager = Manager())
        using (var study = Study.CreateOrResume(manager, StudyTestKit.Space(), options))
        {
            study.Optimize(
                t =>
                {
                    if (t.Number == 4)
                    {
                        cts.Cancel();
                    }

                    return StudyTestKit.Objective(t);
                },
                nTrials: 12,
                cancellationToken: cts.Token);

            Assert.True(study.WasInterrupted);
            Assert.Equal(5, study.CompletedTrials);
        }

        using var again = Manager();
        using var resumed = Study.CreateOrResume(again, StudyTestKit.Space(), options);
        Assert.Equal((5, 2, 1), (resumed.ResumedTrials, resumed.Sessions, resumed.Interruptions));
        Assert.Null(resumed.InterruptedTrialNumber);
        resumed.Optimize(StudyTestKit.Objective, nTrials: 12);
        StudyTestKit.AssertSameTrials(reference, resumed.Trials, "cancelled at trial 4");
    }

    [Fact]
    public void Optimize_TokenAlreadyCancelled_RunsNothing()
    {
        using var manager = Manager();
        using var study = Study.CreateOrResume(manager, StudyTestKit.Space());

        study.Optimize(_ => throw new InvalidOperationException("must not run"), nTrials: 3, cancellationToken: new CancellationToken(canceled: true));

        Assert.True(study.WasInterrupted);
        Assert.Empty(study.Trials);
    }

    [Fact]
    public void Optimize_ObjectiveAbandonsTrialOnCancellation_TrialNotRecordedAndRerunWithSameParameters()
    {
        var options = new StudyOptions { Seed = 8 };
        var reference = RunInOneSession(options, 10);
        using var cts = new CancellationTokenSource();
        IReadOnlyDictionary<string, ParameterValue>? abandoned = null;
        using (var manager = Manager())
        using (var study = Study.CreateOrResume(manager, StudyTestKit.Space(), options))
        {
            study.Optimize(
                (t, token) =>
                {
                    if (t.Number == 6)
                    {
                        abandoned = t.Params;
                        cts.Cancel();
                        token.ThrowIfCancellationRequested();
                    }

                    return StudyTestKit.Objective(t);
                },
                nTrials: 10,
                cancellationToken: cts.Token);

            Assert.True(study.WasInterrupted);
            Assert.Equal(6, study.CompletedTrials);
        }

        using var again = Manager();
        using var resumed = Study.CreateOrResume(again, StudyTestKit.Space(), options);
        Assert.Equal(6, resumed.InterruptedTrialNumber);
        resumed.Optimize(StudyTestKit.Objective, nTrials: 10);
        Assert.Equal(abandoned, resumed.Trials[6].Params);
        StudyTestKit.AssertSameTrials(reference, resumed.Trials, "abandoned trial 6");
    }

    [Fact]
    public void Optimize_AbandonedThenOptimizeAgainInSameSession_RerunsSameTrialWithSameParameters()
    {
        var options = new StudyOptions { Seed = 8 };
        var reference = RunInOneSession(options, 10);
        using var cts = new CancellationTokenSource();
        using var manager = Manager();
        using var study = Study.CreateOrResume(manager, StudyTestKit.Space(), options);

        study.Optimize(
            (t, token) =>
            {
                if (t.Number == 3)
                {
                    cts.Cancel();
                    throw new OperationCanceledException(token);
                }

                return StudyTestKit.Objective(t);
            },
            nTrials: 10,
            cancellationToken: cts.Token);
        study.Optimize(StudyTestKit.Objective, nTrials: 10);

        StudyTestKit.AssertSameTrials(reference, study.Trials, "abandoned, then continued in the same session");
    }

    [Fact]
    public void Optimize_ObjectiveThrowsOrReturnsNaN_RecordsFailedTrialsAndContinues()
    {
        using var manager = Manager();
        using var study = Study.CreateOrResume(manager, StudyTestKit.Space());

        study.Optimize(
            t => t.Number switch
            {
                1 => throw new InvalidDataException("diverged"),
                2 => double.NaN,
                3 => throw new OperationCanceledException("not ours"),
                _ => StudyTestKit.Objective(t),
            },
            nTrials: 6);

        Assert.Equal(6, study.CompletedTrials);
        Assert.Equal([TrialState.Complete, TrialState.Failed, TrialState.Failed, TrialState.Failed, TrialState.Complete, TrialState.Complete], study.Trials.Select(t => t.State));
        Assert.Equal("System.IO.InvalidDataException: diverged", study.Trials[1].Error);
        Assert.Null(study.Trials[1].Value);
        Assert.Contains("NaN", study.Trials[2].Error, StringComparison.Ordinal);
        Assert.NotEqual(1, study.BestTrial!.Number);
    }

    [Fact]
    public void Optimize_CatchObjectiveExceptionsFalse_RecordsFailedTrialThenRethrows()
    {
        var options = new StudyOptions { CatchObjectiveExceptions = false };
        using (var manager = Manager())
        using (var study = Study.CreateOrResume(manager, StudyTestKit.Space(), options))
        {
            var seen = new List<int>();
            var ex = Assert.Throws<InvalidDataException>(() => study.Optimize(
                t => t.Number == 2 ? throw new InvalidDataException("bad batch") : 1.0,
                nTrials: 5,
                callbacks: [new RecordingCallback(seen)]));

            Assert.Equal("bad batch", ex.Message);
            Assert.Equal([0, 1, 2], seen);
        }

        using var again = Manager();
        using var resumed = Study.CreateOrResume(again, StudyTestKit.Space(), options);
        Assert.Equal(TrialState.Failed, resumed.Trials[2].State);
        Assert.Equal(1, resumed.Interruptions);
    }

    [Fact]
    public void Optimize_ReportedValuesAndTimes_KeptThroughResume()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2025, 3, 1, 12, 0, 0, TimeSpan.Zero));
        var options = new StudyOptions { TimeProvider = time };
        using (var manager = Manager())
        using (var study = Study.CreateOrResume(manager, StudyTestKit.Space(), options))
        {
            study.Optimize(
                t =>
                {
                    t.Report(0, 0.9);
                    t.Report(5, double.PositiveInfinity);
                    time.Advance(TimeSpan.FromSeconds(2.5));
                    return double.NegativeInfinity;
                },
                nTrials: 1);
        }

        using var again = Manager();
        using var resumed = Study.CreateOrResume(again, StudyTestKit.Space(), options);
        var trial = Assert.Single(resumed.Trials);
        Assert.Equal(TimeSpan.FromSeconds(2.5), trial.Duration);
        Assert.Equal(new DateTimeOffset(2025, 3, 1, 12, 0, 2, 500, TimeSpan.Zero), trial.FinishedAt);
        Assert.Equal(new Dictionary<long, double> { [0] = 0.9, [5] = double.PositiveInfinity }, trial.IntermediateValues);
        Assert.Equal(double.NegativeInfinity, resumed.BestValue);
    }

    [Fact]
    public void Optimize_CallbacksRunInOrderAfterEachTrialWithTheTrialAlreadyInTheStudy()
    {
        using var manager = Manager();
        using var study = Study.CreateOrResume(manager, StudyTestKit.Space());
        var seen = new List<int>();
        var journalLengths = new List<long>();
        var callback = new DelegateCallback((s, t) =>
        {
            Assert.Same(study, s);
            Assert.Same(t, s.Trials[^1]);
            seen.Add(t.Number);
            journalLengths.Add(new FileInfo(study.JournalPath).Length);
        });

        study.Optimize(StudyTestKit.Objective, nTrials: 4, callbacks: [callback, new RecordingCallback(seen)]);

        Assert.Equal([0, 0, 1, 1, 2, 2, 3, 3], seen);
        Assert.True(journalLengths.Zip(journalLengths.Skip(1)).All(p => p.Second > p.First), "The journal did not grow with each trial.");
    }

    [Fact]
    public void Optimize_CalledFromCallback_Throws()
    {
        using var manager = Manager();
        using var study = Study.CreateOrResume(manager, StudyTestKit.Space());
        var callback = new DelegateCallback((s, _) => s.Optimize(StudyTestKit.Objective, 5));

        Assert.Throws<InvalidOperationException>(() => study.Optimize(StudyTestKit.Objective, 2, [callback]));
        Assert.Equal(1, study.CompletedTrials);
    }

    [Theory]
    [InlineData("space")]
    [InlineData("direction")]
    [InlineData("seed")]
    public void CreateOrResume_DifferentSettings_ThrowsMismatchAndLeavesJournalUntouched(string what)
    {
        var options = new StudyOptions { Seed = 4 };
        using (var manager = Manager())
        using (var study = Study.CreateOrResume(manager, StudyTestKit.Space(), options))
        {
            study.Optimize(StudyTestKit.Objective, 3);
        }

        var journal = Path.Combine(_root.RunDirectory(ProcessType, RunName), Study.JournalFileName);
        var before = File.ReadAllBytes(journal);
        var space = what == "space" ? StudyTestKit.Space().AddFloat("dropout", 0, 0.5) : StudyTestKit.Space();
        var changed = what switch
        {
            "direction" => new StudyOptions { Seed = 4, Direction = StudyDirection.Maximize },
            "seed" => new StudyOptions { Seed = 5 },
            _ => options,
        };

        using var again = Manager();
        var ex = Assert.Throws<StudyMismatchException>(() => Study.CreateOrResume(again, space, changed));

        Assert.Contains(what == "space" ? "dropout" : what, ex.Message, StringComparison.Ordinal);
        Assert.Equal(journal, ex.JournalPath);
        Assert.Equal(before, File.ReadAllBytes(journal));
        using var fine = Study.CreateOrResume(again, StudyTestKit.Space(), options);
        Assert.Equal(3, fine.CompletedTrials);
    }

    [Fact]
    public void CreateOrResume_ReadOnlyManagerOrEmptySpace_ThrowsArgumentException()
    {
        using (Manager())
        {
        }

        using var readOnly = new CheckpointManager(ProcessType, RunName, _root.Options(o => o.ReadOnly = true));
        Assert.Throws<ArgumentException>(() => Study.CreateOrResume(readOnly, StudyTestKit.Space()));
        using var writable = Manager();
        Assert.Throws<ArgumentException>(() => Study.CreateOrResume(writable, new SearchSpace()));
    }

    [Fact]
    public void CreateOrResume_AlreadyOpenInThisProcess_ThrowsUntilDisposed()
    {
        using var manager = Manager();
        var first = Study.CreateOrResume(manager, StudyTestKit.Space());

        Assert.Throws<InvalidOperationException>(() => Study.CreateOrResume(manager, StudyTestKit.Space()));
        first.Dispose();
        using var second = Study.CreateOrResume(manager, StudyTestKit.Space());
        Assert.Equal(2, second.Sessions);
    }

    [Fact]
    public void Delete_ExistingStudy_NextCreateOrResumeStartsFresh()
    {
        using var manager = Manager();
        Assert.False(Study.Exists(manager));
        Assert.False(Study.Delete(manager));
        var study = Study.CreateOrResume(manager, StudyTestKit.Space(), new StudyOptions { Seed = 1 });
        study.Optimize(StudyTestKit.Objective, 3);
        Assert.True(Study.Exists(manager));
        Assert.Throws<InvalidOperationException>(() => Study.Delete(manager));
        study.Dispose();

        Assert.True(Study.Delete(manager));

        Assert.False(Study.Exists(manager));
        using var fresh = Study.CreateOrResume(manager, StudyTestKit.Space(), new StudyOptions { Seed = 2 });
        Assert.Equal((0, 1), (fresh.CompletedTrials, fresh.Sessions));
    }

    [Fact]
    public void CreateOrResume_JournalIsForeignFile_ThrowsCorruptAndLeavesIt()
    {
        var journal = Path.Combine(_root.RunDirectory(ProcessType, RunName), Study.JournalFileName);
        using var manager = Manager();
        File.WriteAllText(journal, "trial,value\n0,0.5\n");

        Assert.Throws<CheckpointCorruptException>(() => Study.CreateOrResume(manager, StudyTestKit.Space()));
        Assert.Equal("trial,value\n0,0.5\n", File.ReadAllText(journal));
    }

    [Fact]
    public void CreateOrResume_JournalRecordNotAStudyRecord_ThrowsCorrupt()
    {
        var journal = Path.Combine(_root.RunDirectory(ProcessType, RunName), Study.JournalFileName);
        using var manager = Manager();
        using (var log = AppendOnlyLog.Open(journal))
        {
            log.Append("{\"type\":\"trial\",\"number\":0}"u8);
            log.Commit();
        }

        var ex = Assert.Throws<CheckpointCorruptException>(() => Study.CreateOrResume(manager, StudyTestKit.Space()));
        Assert.Contains("header", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Trial_GetWrongKindOrUnknownName_ThrowsNamingTheFix()
    {
        using var manager = Manager();
        using var study = Study.CreateOrResume(manager, StudyTestKit.Space());
        Exception? wrongKind = null;
        Exception? unknown = null;

        study.Optimize(
            t =>
            {
                wrongKind = Record(() => t.GetInt("lr"));
                unknown = Record(() => t.GetFloat("momentum"));
                return 0;
            },
            nTrials: 1);

        Assert.Contains("GetFloat(\"lr\")", Assert.IsType<InvalidOperationException>(wrongKind).Message, StringComparison.Ordinal);
        Assert.Contains("lr, x, layers, act", Assert.IsType<KeyNotFoundException>(unknown).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CreateSnapshot_MatchesStudy()
    {
        using var manager = Manager();
        using var study = Study.CreateOrResume(manager, StudyTestKit.Space(), new StudyOptions { Seed = 9, Direction = StudyDirection.Maximize });
        study.Optimize(StudyTestKit.Objective, 12);

        var snapshot = study.CreateSnapshot();

        Assert.Equal((StudyDirection.Maximize, 9UL, 1), (snapshot.Direction, snapshot.Seed, snapshot.Sessions));
        Assert.Equal(study.Trials, snapshot.Trials);
        Assert.Equal(study.BestTrial!.Number, snapshot.BestTrialNumber);
        Assert.Equal(study.BestValue, snapshot.BestValue);
        Assert.True(snapshot.RandomState.IsValid);
    }

    [Fact]
    public void Dispose_ThenOptimize_ThrowsObjectDisposed()
    {
        using var manager = Manager();
        var study = Study.CreateOrResume(manager, StudyTestKit.Space());
        study.Dispose();
        study.Dispose();

        Assert.Throws<ObjectDisposedException>(() => study.Optimize(StudyTestKit.Objective, 1));
    }

    private static Exception? Record(Action action)
    {
        try
        {
            action();
            return null;
        }
        catch (Exception ex)
        {
            return ex;
        }
    }

    private List<FinishedTrial> RunInOneSession(StudyOptions options, int trials)
    {
        using var root = new TempRoot();
        using var manager = new CheckpointManager(ProcessType, RunName, root.Options());
        using var study = Study.CreateOrResume(manager, StudyTestKit.Space(), options);
        study.Optimize(StudyTestKit.Objective, trials);
        return [.. study.Trials];
    }

    private CheckpointManager Manager() => new(ProcessType, RunName, _root.Options());

    private sealed class RecordingCallback(List<int> seen) : IStudyCallback
    {
        public void OnTrialFinished(Study study, FinishedTrial trial) => seen.Add(trial.Number);
    }

    private sealed class DelegateCallback(Action<Study, FinishedTrial> action) : IStudyCallback
    {
        public void OnTrialFinished(Study study, FinishedTrial trial) => action(study, trial);
    }
}
