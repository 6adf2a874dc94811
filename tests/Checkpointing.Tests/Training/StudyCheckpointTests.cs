using System.Runtime.InteropServices;
using Checkpointing.Interrupts;
using Checkpointing.Studies;
using Checkpointing.Tests.Manager;
using Checkpointing.Training;
using Microsoft.Extensions.Time.Testing;

namespace Checkpointing.Tests.Training;

/// <summary>The callback as a study's <see cref="IStudyCallback"/>: trial policies, snapshots, and the final save.</summary>
public sealed class StudyCheckpointTests : IDisposable
{
    private readonly TempRoot _root = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 5, 6, 7, 8, 9, TimeSpan.Zero));
    private readonly CheckpointManager _manager;

    public StudyCheckpointTests()
    {
        _manager = new CheckpointManager("hpo", "quadratic", _root.Options(o =>
        {
            o.KeepLastN = null;
            o.TimeProvider = _time;
        }));
    }

    public void Dispose()
    {
        _manager.Dispose();
        _root.Dispose();
    }

    [Fact]
    public void Optimize_EveryFiveTrials_SavesSnapshotsAtFiveAndTenThenCompleted()
    {
        using var study = OpenStudy();
        var callback = new TrainingCheckpointCallback(_manager, new TrainingCheckpointOptions { SaveEveryNTrials = 5, TimeProvider = _time });

        study.Optimize(Objective, nTrials: 12, callbacks: [callback]);
        var final = callback.OnStudyStopped(study);

        var list = _manager.List();
        Assert.Equal([5L, 10L, 12L], list.Select(m => m.Step));
        Assert.All(list, m => Assert.Equal(12, m.TotalSteps));
        Assert.Equal(CheckpointStatus.Completed, final!.Status);
        var atTen = _manager.Load<StudySnapshot>(list[1].Id);
        Assert.Equal(10, atTen.State.Trials.Count);
        Assert.Equal(study.Trials.Take(10).Select(t => t.Value), atTen.State.Trials.Select(t => t.Value));
        Assert.Equal(study.Trials[9].Value, atTen.Metadata.Metrics[TrainingCheckpointCallback.ValueMetric]);
        Assert.Equal(study.Trials.Take(10).Min(t => t.Value), atTen.Metadata.Metrics[TrainingCheckpointCallback.BestValueMetric]);
        var atEnd = _manager.LoadLatest<StudySnapshot>()!.State;
        Assert.Equal(12, atEnd.Trials.Count);
        Assert.Equal(study.BestValue, atEnd.BestValue);
        Assert.Equal(study.CreateSnapshot().RandomState, atEnd.RandomState);
    }

    [Fact]
    public void Optimize_TargetIsAMultipleOfN_LastStepIsSavedOnceAsCompleted()
    {
        using var study = OpenStudy();
        var callback = new TrainingCheckpointCallback(_manager, new TrainingCheckpointOptions { SaveEveryNTrials = 5, TimeProvider = _time });

        study.Optimize(Objective, nTrials: 10, callbacks: [callback]);
        callback.OnStudyStopped(study);

        var list = _manager.List();
        Assert.Equal([5L, 10L], list.Select(m => m.Step));
        Assert.Equal([CheckpointStatus.InProgress, CheckpointStatus.Completed], list.Select(m => m.Status));
        Assert.Equal(10, _manager.LoadLatest<StudySnapshot>()!.State.Trials.Count);
    }

    [Fact]
    public void Optimize_SaveOnImprovementOfValue_SavesExactlyAtNewBestTrials()
    {
        using var study = OpenStudy();
        var callback = new TrainingCheckpointCallback(_manager, new TrainingCheckpointOptions { SaveOnImprovement = TrainingCheckpointCallback.ValueMetric, TimeProvider = _time });

        study.Optimize(Objective, nTrials: 15, callbacks: [callback]);

        var expected = new List<long>();
        var best = double.PositiveInfinity;
        foreach (var trial in study.Trials)
        {
            if (trial.Value is { } v && v < best)
            {
                best = v;
                expected.Add(trial.Number + 1);
            }
        }

        Assert.Equal(expected, _manager.List().Select(m => m.Step));
        Assert.Equal(study.BestValue, callback.BestMetricValue);
    }

    [Fact]
    public void Optimize_SignalDuringATrial_TrialFinishesAndFinalSaveIsInterruptedWithTheSignal()
    {
        using var handler = new InterruptHandler(new InterruptOptions { Output = TextWriter.Null }, _ => { });
        using var study = OpenStudy();
        var callback = new TrainingCheckpointCallback(_manager, new TrainingCheckpointOptions { SaveEveryNTrials = 3, InterruptHandler = handler, TimeProvider = _time });

        study.Optimize(
            trial =>
            {
                if (trial.Number == 6)
                {
                    handler.Request(PosixSignal.SIGTERM);
                }

                return Objective(trial);
            },
            nTrials: 20,
            callbacks: [callback],
            cancellationToken: handler.StopToken);
        var final = callback.OnStudyStopped(study);

        Assert.True(study.WasInterrupted);
        Assert.Equal(7, study.CompletedTrials);
        Assert.Equal(CheckpointStatus.Interrupted, final!.Status);
        Assert.Equal(7, final.Step);
        Assert.Equal(20, final.TotalSteps);
        Assert.Equal("SIGTERM", final.Tags[TrainingCheckpointCallback.SignalTag]);
        Assert.Equal([3L, 6L, 7L], _manager.List().Select(m => m.Step));
        Assert.Equal(7, _manager.LoadLatest<StudySnapshot>()!.State.Trials.Count);
    }

    [Fact]
    public void OnStudyStopped_OptimizeThrew_SavesFailedWithTheError()
    {
        using var study = Study.CreateOrResume(
            _manager,
            new SearchSpace().AddFloat("x", -5, 5).AddFloat("y", -5, 5),
            new StudyOptions { Seed = 11, Sampler = new RandomSampler(), TimeProvider = _time, CatchObjectiveExceptions = false });
        var callback = new TrainingCheckpointCallback(_manager, new TrainingCheckpointOptions { TimeProvider = _time });
        var error = Assert.Throws<InvalidOperationException>(() => study.Optimize(t => t.Number == 3 ? throw new InvalidOperationException("diverged") : Objective(t), nTrials: 10));

        var saved = callback.OnStudyStopped(study, error);

        Assert.Equal(CheckpointStatus.Failed, saved!.Status);
        Assert.Equal(study.CompletedTrials, saved.Step);
        Assert.Equal("System.InvalidOperationException: diverged", saved.Tags[TrainingCheckpointCallback.ErrorTag]);
    }

    [Fact]
    public void OnStudyStopped_NeitherInterruptedNorAtTarget_SavesInProgress()
    {
        using var study = OpenStudy();
        var callback = new TrainingCheckpointCallback(_manager, new TrainingCheckpointOptions { TimeProvider = _time });

        var saved = callback.OnStudyStopped(study);

        Assert.Equal(CheckpointStatus.InProgress, saved!.Status);
        Assert.Equal(0, saved.Step);
        Assert.Equal("study stopped", saved.Tags[TrainingCheckpointCallback.TriggerTag]);
    }

    [Fact]
    public void OnStudyStopped_CompletedWithCompletionSaveOff_SavesNothing()
    {
        using var study = OpenStudy();
        var callback = new TrainingCheckpointCallback(_manager, new TrainingCheckpointOptions { SaveOnCompletion = false, TimeProvider = _time });
        study.Optimize(Objective, nTrials: 2);

        Assert.Null(callback.OnStudyStopped(study));
        Assert.Empty(_manager.List());
    }

    private static double Objective(Trial trial)
    {
        var x = trial.GetFloat("x");
        var y = trial.GetFloat("y");
        return ((x - 1) * (x - 1)) + ((y + 2) * (y + 2));
    }

    private Study OpenStudy() => Study.CreateOrResume(
        _manager,
        new SearchSpace().AddFloat("x", -5, 5).AddFloat("y", -5, 5),
        new StudyOptions { Seed = 11, Sampler = new RandomSampler(), TimeProvider = _time });
}
