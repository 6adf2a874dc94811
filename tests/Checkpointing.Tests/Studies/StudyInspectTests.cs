using Checkpointing.Journaling;
using Checkpointing.Studies;
using Checkpointing.Tests.Manager;

namespace Checkpointing.Tests.Studies;

/// <summary><see cref="Study.Inspect"/> reads a study read-only, as <see cref="Study.CreateOrResume"/> would resume it.</summary>
public sealed class StudyInspectTests : IDisposable
{
    private readonly TempRoot _root = new();

    public void Dispose() => _root.Dispose();

    private string JournalPath => Path.Combine(_root.RunDirectory("hpo", "s"), Study.JournalFileName);

    [Fact]
    public void Inspect_NoStudy_ReturnsNull()
    {
        using var manager = Manager(readOnly: false);

        Assert.Null(Study.Inspect(manager));
    }

    [Fact]
    public void Inspect_FinishedStudy_ReturnsItsSettingsTrialsAndBest()
    {
        var (trials, best) = RunStudy(5);
        using var manager = Manager(readOnly: true);

        var inspection = Study.Inspect(manager)!;

        Assert.Equal(JournalFileHealth.Valid, inspection.File.Health);
        Assert.Equal(StudyDirection.Maximize, inspection.Direction);
        Assert.Equal(11UL, inspection.Seed);
        Assert.True(inspection.Space!.SameAs(StudyTestKit.Space()));
        StudyTestKit.AssertSameTrials(trials, inspection.Trials, "inspected");
        Assert.Equal(best, inspection.BestTrial?.Number);
        Assert.Equal(1, inspection.Sessions);
        Assert.Equal(0, inspection.Interruptions);
        Assert.Equal(inspection.File.Bytes, inspection.File.ValidBytes);
    }

    [Fact]
    public void Inspect_TornLastRecord_IsATornTailThatResumingCuts()
    {
        var (trials, _) = RunStudy(4);
        var bytes = File.ReadAllBytes(JournalPath);
        File.WriteAllBytes(JournalPath, bytes.AsSpan(0, bytes.Length - 5).ToArray());

        StudyInspection inspection;
        using (var manager = Manager(readOnly: true))
        {
            inspection = Study.Inspect(manager)!;
        }

        Assert.Equal(JournalFileHealth.TornTail, inspection.File.Health);
        Assert.Equal(bytes.Length - 5, inspection.File.Bytes);
        Assert.Contains("cut short", inspection.File.Problem, StringComparison.Ordinal);
        Assert.Equal(bytes.Length - 5, new FileInfo(JournalPath).Length);
        using (var manager = Manager(readOnly: false))
        using (var study = Study.CreateOrResume(manager, StudyTestKit.Space(), Options()))
        {
            StudyTestKit.AssertSameTrials(inspection.Trials, study.Trials, "resumed");
            Assert.Equal(trials.Count, study.CompletedTrials);
        }

        Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(JournalPath)!, "*.damaged-*"));
    }

    [Fact]
    public void Inspect_FlippedByteInTheMiddle_IsDamageThatResumingKeepsAside()
    {
        RunStudy(6);
        var bytes = File.ReadAllBytes(JournalPath);
        bytes[bytes.Length / 2] ^= 0x20;
        File.WriteAllBytes(JournalPath, bytes);

        StudyInspection inspection;
        using (var manager = Manager(readOnly: true))
        {
            inspection = Study.Inspect(manager)!;
        }

        Assert.Equal(JournalFileHealth.Damaged, inspection.File.Health);
        Assert.True(inspection.File.ProblemOffset <= bytes.Length / 2, $"problem at {inspection.File.ProblemOffset}");
        Assert.Contains("verifiable records follow", inspection.File.Problem, StringComparison.Ordinal);
        using (var manager = Manager(readOnly: false))
        using (var study = Study.CreateOrResume(manager, StudyTestKit.Space(), Options()))
        {
            Assert.Equal(inspection.Trials.Count, study.CompletedTrials);
        }

        Assert.Single(Directory.GetFiles(Path.GetDirectoryName(JournalPath)!, "*.damaged-*"));
    }

    private (IReadOnlyList<FinishedTrial> Trials, int? Best) RunStudy(int trials)
    {
        using var manager = Manager(readOnly: false);
        using var study = Study.CreateOrResume(manager, StudyTestKit.Space(), Options());
        study.Optimize(t => -StudyTestKit.Objective(t), trials);
        return ([.. study.Trials], study.BestTrial?.Number);
    }

    private static StudyOptions Options() => new() { Direction = StudyDirection.Maximize, Seed = 11, Sampler = new RandomSampler() };

    private CheckpointManager Manager(bool readOnly) => new("hpo", "s", _root.Options(o => o.ReadOnly = readOnly));
}
