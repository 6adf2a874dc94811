using Checkpointing.Studies;
using Checkpointing.Training;

namespace Checkpointing.Cli.Tests;

/// <summary>
/// Runs for the tests of what checkpoints record about their saves: <c>training/retained</c> (five saves in two processes,
/// keep the last 3 and the best by loss), <c>training/legacy</c> (three saves whose manifests were stripped of the fields, as
/// an older Checkpointing wrote them) and <c>hpo/partial</c> (a study of <see cref="StudyTrials"/> trials whose newest
/// checkpoint holds only the first <see cref="SnapshotTrials"/>: the rest are in its journal only).
/// </summary>
public sealed class SaveRecordFolders : IDisposable
{
    public const int StudyTrials = 8;
    public const int SnapshotTrials = 5;

    public SaveRecordFolders()
    {
        Root = Path.Combine(Path.GetTempPath(), "ckpt-save-records-" + Guid.NewGuid().ToString("N"));
        Output = Path.Combine(Root, "out");
        Directory.CreateDirectory(Output);
        var retained = new CheckpointOptions { RootDirectory = Root, KeepLastN = 3, BestMetric = "loss" };
        var step = 0;
        foreach (var saves in new[] { 2, 3 })
        {
            using var manager = new CheckpointManager("training", "retained", retained);
            for (var i = 0; i < saves; i++)
            {
                step++;
                manager.Save(new TrainState(step, [step]), step, totalSteps: 5, metrics: new Dictionary<string, double> { ["loss"] = 1.0 / step });
            }
        }

        using (var manager = new CheckpointManager("training", "legacy", new CheckpointOptions { RootDirectory = Root, KeepLastN = null }))
        {
            for (step = 1; step <= 3; step++)
            {
                LegacyFiles.Add(manager.Save(new TrainState(step, [step]), step).FilePath);
            }
        }

        foreach (var file in LegacyFiles)
        {
            LegacyManifest.Strip(file);
        }

        using (var manager = new CheckpointManager("hpo", "partial", new CheckpointOptions { RootDirectory = Root, KeepLastN = null }))
        {
            using var study = Study.CreateOrResume(manager, new SearchSpace().AddFloat("x", -4, 4), new StudyOptions { Seed = 3 });
            var checkpoints = new TrainingCheckpointCallback(manager, new TrainingCheckpointOptions { SaveEveryNTrials = SnapshotTrials });
            study.Optimize(trial => Math.Abs(trial.GetFloat("x")), StudyTrials, [checkpoints]);
        }
    }

    public string Root { get; }

    /// <summary>A directory for the reports the tests write.</summary>
    public string Output { get; }

    public List<string> LegacyFiles { get; } = [];

    public void Dispose() => Directory.Delete(Root, recursive: true);
}
