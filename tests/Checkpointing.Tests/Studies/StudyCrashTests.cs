using Checkpointing.Storage;
using Checkpointing.Studies;
using Checkpointing.Tests.Corruption;
using Checkpointing.Tests.Crash;

namespace Checkpointing.Tests.Studies;

/// <summary>
/// Power cuts and kills modelled with <see cref="SimulatedFileSystem"/>: after a crash at any
/// operation of a study, every trial a callback had seen is still there, at most the running
/// trial is lost, and the resumed study finishes with exactly the trials of an uninterrupted one.
/// </summary>
public sealed class StudyCrashTests
{
    private const int Trials = 12;
    private const int RandomOutcomesPerCrashPoint = 4;
    private const string ProcessType = "hpo";
    private const string RunName = "crash";

    private static readonly StudyOptions Options = new() { Seed = 17, Sampler = new TpeSampler(startupTrials: 4) };

    [Fact]
    public void Optimize_CrashAfterEveryOperation_LosesAtMostTheRunningTrialAndResumesIdentically()
    {
        var seed = TestSeed.Next();
        var root = Root();
        var reference = Reference(root);
        var (_, _, total) = RunUntilCrash(root, crashAfter: null);
        var images = 0;

        for (var crashAfter = 0; crashAfter < total; crashAfter++)
        {
            var (fs, acknowledged, _) = RunUntilCrash(root, crashAfter);
            Assert.True(fs.HasCrashed, $"No crash at operation {crashAfter} of {total}.");
            var outcomes = CrashOutcome.Extremes.Concat(Enumerable.Range(0, RandomOutcomesPerCrashPoint).Select(i => CrashOutcome.Random(seed + (crashAfter * 100) + i)));
            foreach (var outcome in outcomes)
            {
                var context = $"crash after operation {crashAfter} of {total}, {outcome}, {acknowledged.Count} trial(s) acknowledged, {TestSeed.Describe(seed)}";
                var image = fs.CrashImage(outcome);
                using var manager = Open(image, root);
                using var study = Study.CreateOrResume(manager, StudyTestKit.Space(), Options);

                Assert.InRange(study.CompletedTrials, acknowledged.Count, acknowledged.Count + 1);
                StudyTestKit.AssertSameTrials(acknowledged, study.Trials.Take(acknowledged.Count).ToList(), context);
                study.Optimize(StudyTestKit.Objective, Trials);
                StudyTestKit.AssertSameTrials(reference, study.Trials, context);
                images++;
            }
        }

        Assert.True(total >= Trials * 3, $"A study of {Trials} trials took only {total} file operations; the harness is not seeing the journal.");
        Assert.True(images >= total * CrashOutcome.Extremes.Count);
    }

    [Theory]
    [InlineData(nameof(DataSurvival.All))]
    [InlineData(nameof(DataSurvival.SyncedOnly))]
    [InlineData(nameof(DataSurvival.Garbage))]
    public void Optimize_KilledDuringTrial_ResumeRerunsThatTrialWithTheSameParameters(string data)
    {
        var root = Root();
        var reference = Reference(root);
        var fs = new SimulatedFileSystem();
        var manager = Open(fs, root);
        var study = Study.CreateOrResume(manager, StudyTestKit.Space(), Options);
        Assert.Throws<SimulatedCrashException>(() => study.Optimize(
            t =>
            {
                if (t.Number == 7)
                {
                    fs.CrashAfter(fs.OperationCount);
                }

                return StudyTestKit.Objective(t);
            },
            Trials));
        study.Dispose();
        manager.Dispose();

        var image = fs.CrashImage(new CrashOutcome(NamespaceSurvival.All, Enum.Parse<DataSurvival>(data), 0));
        using var resumedManager = Open(image, root);
        using var resumed = Study.CreateOrResume(resumedManager, StudyTestKit.Space(), Options);

        Assert.Equal(7, resumed.CompletedTrials);
        Assert.Equal(1, resumed.Interruptions);
        Assert.Equal(data == nameof(DataSurvival.All) ? 7 : null, resumed.InterruptedTrialNumber);
        resumed.Optimize(StudyTestKit.Objective, Trials);
        StudyTestKit.AssertSameTrials(reference, resumed.Trials, $"killed during trial 7, unsynced data {data}");
    }

    private static List<FinishedTrial> Reference(string root)
    {
        using var manager = Open(new SimulatedFileSystem(), root);
        using var study = Study.CreateOrResume(manager, StudyTestKit.Space(), Options);
        study.Optimize(StudyTestKit.Objective, Trials);
        return [.. study.Trials];
    }

    /// <summary>Opens a study and runs it, cutting the power after <paramref name="crashAfter"/> of its file operations; returns the trials callbacks saw and the operations that ran.</summary>
    private static (SimulatedFileSystem Fs, List<FinishedTrial> Acknowledged, int Operations) RunUntilCrash(string root, int? crashAfter)
    {
        var fs = new SimulatedFileSystem();
        var acknowledged = new List<FinishedTrial>();
        var manager = Open(fs, root);
        var start = fs.OperationCount;
        if (crashAfter is int n)
        {
            fs.CrashAfter(start + n);
        }

        Study? study = null;
        try
        {
            study = Study.CreateOrResume(manager, StudyTestKit.Space(), Options);
            study.Optimize(StudyTestKit.Objective, Trials, [new Acknowledge(acknowledged)]);
        }
        catch (SimulatedCrashException)
        {
        }
        finally
        {
            study?.Dispose();
            manager.Dispose();
        }

        return (fs, acknowledged, fs.OperationCount - start);
    }

    private static string Root() => "/sim/studies-" + Guid.NewGuid().ToString("N");

    private static CheckpointManager Open(SimulatedFileSystem fs, string root) =>
        new(ProcessType, RunName, new CheckpointOptions { RootDirectory = root }, fs, LocalStoreFaults.None);

    private sealed class Acknowledge(List<FinishedTrial> seen) : IStudyCallback
    {
        public void OnTrialFinished(Study study, FinishedTrial trial) => seen.Add(trial);
    }
}
