// RlTraining: a reinforcement-learning agent (tabular Q-learning on a slippery 8x8 grid world)
// trained for 1,000 episodes. The Q-table, the epsilon schedule, the random generator, the episode
// counter and the reward history are one checkpoint state, saved every 100 episodes by
// TrainingCheckpointCallback and once more when Ctrl+C, SIGTERM or SIGHUP arrives (after the
// running episode ends). Run the same command again after any interruption, even kill -9, and the
// finished agent is identical to one trained without a stop.
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Checkpointing;
using Checkpointing.Examples;
using Checkpointing.Interrupts;
using Checkpointing.Training;
using RlTraining;

const int SaveEveryNEpisodes = 100;
const int ReportEvery = 50;
var rule = new string('=', 80);

var options = CommandLine.Parse(args, out var parseError);
if (ExampleStartup.ShouldExit(options, parseError, o => o.Help, CommandLine.Usage, out var argumentsExitCode))
{
    return argumentsExitCode;
}

Console.WriteLine(rule);
Console.WriteLine("RL TRAINING WITH CHECKPOINT SUPPORT");
Console.WriteLine(rule);
Console.WriteLine();

if (!ExampleStartup.TryOpen("rl", "gridworld_q_learning", options.CheckpointDirectory, out var manager))
{
    return 1;
}

using (manager)
{
    Console.WriteLine($"Run directory: {manager.RunDirectory}");
    Console.WriteLine($"Agent: tabular Q-learning, epsilon-greedy (epsilon {QLearning.EpsilonStart} → {QLearning.EpsilonMin}, ×{QLearning.EpsilonDecay} per episode)");
    Console.WriteLine($"Environment: {GridWorld.Size}×{GridWorld.Size} slippery grid world (S start, G goal +1, X pit −1, # wall, {GridWorld.SlipProbability * 100:F0}% slip)");
    foreach (var row in GridWorld.Layout)
    {
        Console.WriteLine($"  {row}");
    }

    Console.WriteLine();
    if (options.Fresh)
    {
        Console.WriteLine($"--fresh: deleted {manager.DeleteAll()} checkpoint(s).");
        Console.WriteLine();
    }

    ResumeResult<AgentState> resume;
    try
    {
        resume = manager.Resume(() => AgentState.Start(options.Seed, options.Episodes));
    }
    catch (CheckpointException ex)
    {
        Console.Error.WriteLine(ex.Message);
        Console.Error.WriteLine("Run again with --fresh to start over.");
        return 1;
    }

    var state = resume.State;
    if (ResumeSummary.From(resume) is { } found)
    {
        foreach (var skipped in found.Skipped)
        {
            Console.WriteLine($"Warning: skipped damaged checkpoint {skipped.FileName}: {skipped.Reason}" +
                (skipped.QuarantinedTo is null ? string.Empty : $" (moved to {skipped.QuarantinedTo})"));
        }

        Console.WriteLine(rule);
        Console.WriteLine("CHECKPOINT FOUND");
        Console.WriteLine(rule);
        Console.WriteLine($"  Checkpoint ID: {found.CheckpointId}");
        Console.WriteLine($"  Step: {found.Step}");
        Console.WriteLine($"  Progress: {found.ProgressPercent ?? 0:F1}%");
        Console.WriteLine($"  Timestamp: {found.TimestampUtc:yyyy-MM-ddTHH:mm:ssZ}");
        Console.WriteLine($"  Status: {found.Status}{(found.Signal is null ? string.Empty : $" ({found.Signal})")}");
        Console.WriteLine($"  Written: {ExampleConsole.Ago(found.Age)} ago");
        Console.WriteLine($"  Interruptions so far: {found.Interruptions}");
        Console.WriteLine($"  Work redone: {found.WorkRedone}");
        Console.WriteLine(rule);
        Console.WriteLine();

        if (state.Episode >= state.TotalEpisodes)
        {
            Console.WriteLine($"This run already completed {state.Episode}/{state.TotalEpisodes} episodes; there is nothing left to do. Use --fresh to start over.");
            return Finish(state, sessionTime: null);
        }

        if (ExampleConsole.AskYesNo("Resume from checkpoint?", options.Yes))
        {
            Console.WriteLine();
            Console.WriteLine("Resuming training:");
            Console.WriteLine($"  Episodes completed: {state.Episode}");
            Console.WriteLine($"  Epsilon: {state.Epsilon:F3}");
            Console.WriteLine($"  Average reward of the last {ReportEvery}: {Recent(state, ReportEvery):F3}");
            if ((options.SeedGiven && options.Seed != state.Seed) || (options.EpisodesGiven && options.Episodes != state.TotalEpisodes))
            {
                Console.WriteLine($"  Note: this run was started with --seed {state.Seed} --episodes {state.TotalEpisodes}; it continues with those (use --fresh to change them).");
            }
        }
        else
        {
            Console.WriteLine($"Starting fresh training (deleted {manager.DeleteAll()} checkpoint(s)).");
            state = AgentState.Start(options.Seed, options.Episodes);
        }
    }
    else
    {
        Console.WriteLine("No checkpoint found. Starting fresh training.");
    }

    Console.WriteLine();
    Console.WriteLine($"Remaining episodes: {state.TotalEpisodes - state.Episode}/{state.TotalEpisodes} (seed {state.Seed}; a checkpoint every {SaveEveryNEpisodes} episodes and on interrupt)");

    // Installed only now, so Ctrl+C at the prompt above still ends the program at once.
    using var interrupts = InterruptHandler.Install(new InterruptOptions { UnitName = "episode" });
    Console.WriteLine();
    Console.WriteLine(rule);
    Console.WriteLine("STARTING TRAINING");
    Console.WriteLine(rule);
    Console.WriteLine();
    var checkpoints = new TrainingCheckpointCallback(manager, new TrainingCheckpointOptions
    {
        SaveEveryNEpisodes = SaveEveryNEpisodes,
        InterruptHandler = interrupts,
    });
    var clock = Stopwatch.StartNew();
    var firstEpisode = state.Episode;
    try
    {
        while (state.Episode < state.TotalEpisodes)
        {
            if (interrupts.StopRequested)
            {
                var saved = checkpoints.OnInterrupted(state.Episode, state, state.TotalEpisodes)!;
                PrintSaved(saved);
                Console.WriteLine();
                Console.WriteLine(rule);
                Console.WriteLine("TRAINING INTERRUPTED");
                Console.WriteLine(rule);
                Console.WriteLine("Checkpoint saved. Run again to resume.");
                Console.WriteLine($"Completed episodes: {state.Episode}/{state.TotalEpisodes}");
                Console.WriteLine($"Stopped by {interrupts.Signal}; exit code {interrupts.ExitCode}.");
                return interrupts.ExitCode;
            }

            var reward = QLearning.RunEpisode(state);
            if (options.EpisodeMilliseconds > 0)
            {
                Thread.Sleep(options.EpisodeMilliseconds);
            }

            if (state.Episode % ReportEvery == 0)
            {
                var done = state.Episode - firstEpisode;
                var eta = clock.Elapsed / done * (state.TotalEpisodes - state.Episode);
                var width = state.TotalEpisodes.ToString(CultureInfo.InvariantCulture).Length;
                Console.WriteLine(
                    $"Episode {state.Episode.ToString(CultureInfo.InvariantCulture).PadLeft(width)}/{state.TotalEpisodes} ({100.0 * state.Episode / state.TotalEpisodes,5:F1}%)" +
                    $"  avg reward (last {ReportEvery}): {Recent(state, ReportEvery),6:F3}  reached goal: {GoalRate(state, ReportEvery) * 100,3:F0}%" +
                    $"  epsilon: {state.Epsilon:F3}  ETA {eta:m\\:ss}");
            }

            if (checkpoints.OnEpisodeEnd(state.Episode - 1, reward, state, state.TotalEpisodes) is { } periodic)
            {
                PrintSaved(periodic);
            }
        }
    }
    catch (Exception ex)
    {
        Console.Error.WriteLine($"Training failed: {ex.GetType().Name}: {ex.Message}");
        try
        {
            if (checkpoints.OnFailed(state.Episode, state, ex, state.TotalEpisodes) is { } failed)
            {
                PrintSaved(failed);
            }
        }
        catch (CheckpointException saveError)
        {
            Console.Error.WriteLine($"The failure could not be recorded in a checkpoint either: {saveError.Message}");
        }

        return 1;
    }

    if (checkpoints.OnCompleted(state.Episode, state, state.TotalEpisodes) is { } final)
    {
        PrintSaved(final);
    }

    return Finish(state, clock.Elapsed);
}

static double Recent(AgentState s, int count) =>
    s.Rewards.Count == 0 ? 0 : s.Rewards.TakeLast(count).Average();

static double GoalRate(AgentState s, int count) =>
    s.Rewards.Count == 0 ? 0 : s.Rewards.TakeLast(count).Count(r => r > 0) / (double)Math.Min(count, s.Rewards.Count);

static void PrintSaved(CheckpointMetadata saved)
{
    var trigger = saved.Tags.TryGetValue(TrainingCheckpointCallback.TriggerTag, out var t) ? $" [{t}]" : string.Empty;
    Console.WriteLine($"✓ Checkpoint saved: {saved.Id} (step {saved.Step}/{saved.TotalSteps}) ({saved.ProgressPercent ?? 0:F1}%){trigger}");
}

int Finish(AgentState s, TimeSpan? sessionTime)
{
    var evaluation = Evaluation.Run(s.QTable, s.Seed);
    var policy = Evaluation.Policy(s.QTable);
    Console.WriteLine();
    Console.WriteLine(rule);
    Console.WriteLine("TRAINING COMPLETE");
    Console.WriteLine(rule);
    Console.WriteLine($"  Episodes: {s.Episode}, final epsilon {s.Epsilon:F3}, average reward of the last 100: {Recent(s, 100):F3}");
    Console.WriteLine($"  Greedy policy over {evaluation.Episodes} evaluation episodes: reached the goal {evaluation.SuccessRate * 100:F1}%, " +
        $"fell into a pit {evaluation.PitRate * 100:F1}%, average reward {evaluation.AverageReward:F3}, average length {evaluation.AverageSteps:F1} steps");
    Console.WriteLine("  Policy (the greedy action in every free cell):");
    foreach (var row in policy)
    {
        Console.WriteLine($"    {row}");
    }

    if (sessionTime is { } t)
    {
        Console.WriteLine($"  This session: {t.TotalSeconds:F1} s");
    }

    if (options.ResultsFile is { } file)
    {
        var result = new RlResult(s.Seed, s.TotalEpisodes, s.Epsilon, evaluation, policy, s.QTable, s.Rewards, s.Steps);
        var json = JsonSerializer.Serialize(result, new JsonSerializerOptions(JsonSerializerDefaults.Web) { WriteIndented = true });
        File.WriteAllText(file, json + Environment.NewLine);
        Console.WriteLine($"Result written to {file}");
    }

    return 0;
}

