using Checkpointing.Studies;
using Checkpointing.Training;

namespace Checkpointing.Cli.Tests;

/// <summary>
/// Runs for the report tests, written with the library's own training callback and study, each in two sessions
/// where the first one was interrupted: <c>training/mlp</c> (a checkpoint every 10 steps with three metrics, one with a name
/// full of HTML), <c>hpo/search</c> (a study of 20 trials, interrupted after 7) and <c>rl/agent</c> (600 episodes
/// with a reward each, interrupted after 250). <see cref="DamagedRoot"/> holds one run whose newest file is damaged,
/// <see cref="EmptyRoot"/> nothing.
/// </summary>
public sealed class ReportFolders : IDisposable
{
    public const string OddMetric = "odd <b>name</b> & \"quotes\" 'too'";
    public const int MlpSteps = 120;
    public const int MlpInterruptedAfter = 45;
    public const int StudyTrials = 20;
    public const int StudyInterruptedAfter = 7;
    public const int Episodes = 600;
    public const int EpisodesInterruptedAfter = 250;

    public ReportFolders()
    {
        var temp = Path.Combine(Path.GetTempPath(), "ckpt-report-tests-" + Guid.NewGuid().ToString("N"));
        Root = Path.Combine(temp, "runs");
        DamagedRoot = Path.Combine(temp, "damaged");
        EmptyRoot = Path.Combine(temp, "empty");
        Output = Path.Combine(temp, "out");
        Directory.CreateDirectory(EmptyRoot);
        Directory.CreateDirectory(Output);
        var options = new CheckpointOptions { RootDirectory = Root, KeepLastN = null };
        WriteMlp(options);
        WriteStudy(options);
        WriteAgent(options);
        WriteDamaged(new CheckpointOptions { RootDirectory = DamagedRoot, KeepLastN = null });
        Temp = temp;
    }

    public string Root { get; }

    public string DamagedRoot { get; }

    public string EmptyRoot { get; }

    /// <summary>A directory for the reports the tests write.</summary>
    public string Output { get; }

    private string Temp { get; }

    public void Dispose() => Directory.Delete(Temp, recursive: true);

    private static void WriteMlp(CheckpointOptions options)
    {
        for (var session = 0; session < 2; session++)
        {
            using var manager = new CheckpointManager("training", "mlp", options);
            var callback = new TrainingCheckpointCallback(manager, new TrainingCheckpointOptions { SaveEveryNSteps = 10 });
            var (first, last) = session == 0 ? (1, MlpInterruptedAfter) : (MlpInterruptedAfter + 1, MlpSteps);
            for (var step = first; step <= last; step++)
            {
                var metrics = new Dictionary<string, double> { ["loss"] = 2.0 / step, ["accuracy"] = 1 - 1.0 / step, [OddMetric] = step % 7 };
                callback.OnStepEnd(step, new TrainState(step, [step]), MlpSteps, metrics);
            }

            if (session == 0)
            {
                callback.OnInterrupted(last, new TrainState(last, [last]), MlpSteps, new Dictionary<string, double> { ["loss"] = 2.0 / last });
            }
            else
            {
                callback.OnCompleted(last, new TrainState(last, [last]), MlpSteps);
            }
        }
    }

    private static void WriteStudy(CheckpointOptions options)
    {
        var space = new SearchSpace().AddFloat("x", -4, 4).AddInt("n", 1, 8);
        var studyOptions = new StudyOptions { Direction = StudyDirection.Minimize, Seed = 7 };
        using (var manager = new CheckpointManager("hpo", "search", options))
        {
            using var study = Study.CreateOrResume(manager, space, studyOptions);
            using var stop = new CancellationTokenSource();
            var checkpoints = new TrainingCheckpointCallback(manager, new TrainingCheckpointOptions { SaveEveryNTrials = 5 });
            study.Optimize(Objective, StudyTrials, [checkpoints, new StopAfter(StudyInterruptedAfter, stop)], stop.Token);
            checkpoints.OnStudyStopped(study);
        }

        using (var manager = new CheckpointManager("hpo", "search", options))
        {
            using var study = Study.CreateOrResume(manager, space, studyOptions);
            var checkpoints = new TrainingCheckpointCallback(manager, new TrainingCheckpointOptions { SaveEveryNTrials = 5 });
            study.Optimize(Objective, StudyTrials, [checkpoints]);
            checkpoints.OnStudyStopped(study);
        }

        static double Objective(Trial trial) => Math.Pow(trial.GetFloat("x") - 1, 2) + trial.GetInt("n") * 0.1;
    }

    private static void WriteAgent(CheckpointOptions options)
    {
        var log = new AgentLog(0, []);
        for (var session = 0; session < 2; session++)
        {
            using var manager = new CheckpointManager("rl", "agent", options);
            if (manager.LoadLatest<AgentLog>() is { } resumed)
            {
                log = resumed.State;
            }

            var callback = new TrainingCheckpointCallback(manager, new TrainingCheckpointOptions { SaveEveryNEpisodes = 100 });
            var end = session == 0 ? EpisodesInterruptedAfter : Episodes;
            while (log.Episode < end)
            {
                var reward = Math.Sin(log.Episode * 0.05) + log.Episode / 300.0;
                log.Rewards.Add(reward);
                log = log with { Episode = log.Episode + 1 };
                callback.OnEpisodeEnd(log.Episode - 1, reward, log, Episodes);
            }

            if (session == 0)
            {
                callback.OnInterrupted(log.Episode, log, Episodes);
            }
            else
            {
                callback.OnCompleted(log.Episode, log, Episodes);
            }
        }
    }

    private static void WriteDamaged(CheckpointOptions options)
    {
        string newest;
        using (var manager = new CheckpointManager("training", "damaged", options))
        {
            newest = string.Empty;
            for (var step = 1; step <= 3; step++)
            {
                newest = manager.Save(new TrainState(step, [.. Enumerable.Range(0, 2000).Select(i => Math.Sin(i * 1.618 + step) * 1e6)]), step, totalSteps: 3,
                    metrics: new Dictionary<string, double> { ["loss"] = 1.0 / step }).FilePath;
            }
        }

        var bytes = File.ReadAllBytes(newest);
        bytes[bytes.Length / 2] ^= 0x5A;
        File.WriteAllBytes(newest, bytes);
    }

    /// <summary>Cancels the study after a number of trials, as Ctrl+C would.</summary>
    private sealed class StopAfter(int trials, CancellationTokenSource stop) : IStudyCallback
    {
        public void OnTrialFinished(Study study, FinishedTrial trial)
        {
            if (study.CompletedTrials >= trials)
            {
                stop.Cancel();
            }
        }
    }
}

/// <summary>A reinforcement-learning run's state: episodes done and the reward of each.</summary>
public sealed record AgentLog(int Episode, List<double> Rewards);
