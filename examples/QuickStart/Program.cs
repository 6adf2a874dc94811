// QuickStart: a small job that survives Ctrl+C, SIGTERM and kill -9.
// It estimates pi by throwing random darts, saves a checkpoint every 10 steps, and on a restart
// resumes from the newest valid checkpoint with the same random stream, so the result for a
// given seed is the same whether or not the run was interrupted.
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Checkpointing;
using Checkpointing.Examples;
using QuickStart;

const int SaveEvery = 10;
var rule = new string('=', 80);

var options = CommandLine.Parse(args, out var parseError);
if (ExampleStartup.ShouldExit(options, parseError, o => o.Help, CommandLine.Usage, out var argumentsExitCode))
{
    return argumentsExitCode;
}

if (!ExampleStartup.TryOpen("quickstart", "pi", options.CheckpointDirectory, out var manager))
{
    return 1;
}

using (manager)
{
    Console.WriteLine(rule);
    Console.WriteLine("QUICK START: estimating pi with checkpoints");
    Console.WriteLine(rule);
    Console.WriteLine($"Run directory: {manager.RunDirectory}");
    Console.WriteLine();

    if (options.Fresh)
    {
        var deleted = manager.DeleteAll();
        Console.WriteLine($"--fresh: deleted {deleted} checkpoint(s).");
    }

    ResumeResult<PiState> resume;
    try
    {
        resume = manager.Resume(() => PiState.Start(options.Seed, options.Steps));
    }
    catch (CheckpointException ex)
    {
        Console.Error.WriteLine(ex.Message);
        Console.Error.WriteLine("Run again with --fresh to start over.");
        return 1;
    }

    var (resumed, startStep, state) = resume;
    if (resumed && resume.Checkpoint is { } found)
    {
        foreach (var skipped in resume.Skipped)
        {
            Console.WriteLine($"Warning: skipped damaged checkpoint {skipped.FileName}: {skipped.Reason}" +
                (skipped.QuarantinedTo is null ? string.Empty : $" (moved to {skipped.QuarantinedTo})"));
        }

        Console.WriteLine(rule);
        Console.WriteLine("CHECKPOINT FOUND");
        Console.WriteLine(rule);
        Console.WriteLine($"  Checkpoint ID: {found.Id}");
        Console.WriteLine($"  Step: {found.Step}");
        Console.WriteLine($"  Progress: {found.ProgressPercent ?? 0:F1}%");
        Console.WriteLine($"  Timestamp: {found.TimestampUtc:yyyy-MM-ddTHH:mm:ssZ}");
        Console.WriteLine($"  Status: {found.Status}");
        Console.WriteLine(rule);
        Console.WriteLine();

        if (found.Status == CheckpointStatus.Completed)
        {
            Console.WriteLine("This run already completed; there is nothing left to do. Use --fresh to start over.");
            return Finish(state, options.ResultsFile);
        }

        if (!ExampleConsole.AskYesNo("Resume from checkpoint?", options.Yes))
        {
            var deleted = manager.DeleteAll();
            Console.WriteLine($"Starting fresh (deleted {deleted} checkpoint(s)).");
            state = PiState.Start(options.Seed, options.Steps);
            startStep = 0;
        }
        else
        {
            Console.WriteLine($"Resuming from step {startStep}/{state.TotalSteps}: {state.Samples:N0} darts thrown, pi ~ {state.Estimate:F6}");
            if ((options.SeedGiven && options.Seed != state.Seed) || (options.StepsGiven && options.Steps != state.TotalSteps))
            {
                Console.WriteLine($"Note: this run was started with --seed {state.Seed} --steps {state.TotalSteps}; it continues with those (use --fresh to change them).");
            }
        }
    }
    else
    {
        Console.WriteLine("No checkpoint found. Starting fresh.");
    }

    Console.WriteLine($"Remaining steps: {state.TotalSteps - state.Step}/{state.TotalSteps} (seed {state.Seed}, a checkpoint every {SaveEvery} steps)");
    Console.WriteLine();

    using var stop = new StopSignal();
    var live = !Console.IsOutputRedirected;
    var clock = Stopwatch.StartNew();
    var firstStep = state.Step;
    while (state.Step < state.TotalSteps)
    {
        state = state.Advance();
        if (options.StepMilliseconds > 0)
        {
            Thread.Sleep(options.StepMilliseconds);
        }

        var done = state.Step == state.TotalSteps;
        if (done || state.Step % SaveEvery == 0)
        {
            var saved = Save(state, done ? CheckpointStatus.Completed : CheckpointStatus.InProgress);
            WriteLine(live, $"{Progress(state, clock.Elapsed, state.Step - firstStep)}  saved {saved.Id}");
        }
        else if (live)
        {
            Console.Write($"\r{Progress(state, clock.Elapsed, state.Step - firstStep)}");
        }

        if (stop.IsRequested && !done)
        {
            var final = Save(state, CheckpointStatus.Interrupted);
            Console.WriteLine();
            Console.WriteLine(rule);
            Console.WriteLine($"INTERRUPTED ({stop.Name})");
            Console.WriteLine(rule);
            Console.WriteLine($"Saved {final.Id} (step {final.Step}/{final.TotalSteps}, {final.ProgressPercent:F1}%, status {final.Status}).");
            Console.WriteLine("The checkpoint is durable on disk (fsynced and renamed into place).");
            Console.WriteLine("Run the same command again to resume.");
            return stop.ExitCode;
        }
    }

    Console.WriteLine();
    Console.WriteLine(rule);
    Console.WriteLine("COMPLETED");
    Console.WriteLine(rule);
    return Finish(state, options.ResultsFile);
}

CheckpointMetadata Save(PiState s, CheckpointStatus status) =>
    manager.Save(
        s,
        step: s.Step,
        totalSteps: s.TotalSteps,
        status: status,
        metrics: new Dictionary<string, double> { ["pi"] = s.Estimate, ["abs_error"] = Math.Abs(s.Estimate - Math.PI) });

static string Progress(PiState s, TimeSpan elapsed, long stepsThisRun)
{
    var percent = 100.0 * s.Step / s.TotalSteps;
    var eta = stepsThisRun > 0 ? elapsed / stepsThisRun * (s.TotalSteps - s.Step) : TimeSpan.Zero;
    var width = s.TotalSteps.ToString(CultureInfo.InvariantCulture).Length;
    return $"  step {s.Step.ToString(CultureInfo.InvariantCulture).PadLeft(width)}/{s.TotalSteps}  {percent,5:F1}%  pi ~ {s.Estimate:F6}  ETA {eta:m\\:ss}";
}

static void WriteLine(bool live, string line)
{
    if (live)
    {
        Console.Write('\r');
    }

    Console.WriteLine(line);
}

static int Finish(PiState s, string? resultsFile)
{
    Console.WriteLine($"pi ~ {s.Estimate:F6} from {s.Samples:N0} darts (error {Math.Abs(s.Estimate - Math.PI):E2}, seed {s.Seed}, {s.TotalSteps} steps)");
    if (resultsFile is not null)
    {
        var json = JsonSerializer.Serialize(
            new { seed = s.Seed, steps = s.TotalSteps, samples = s.Samples, inside = s.Inside, pi = s.Estimate, rngState = s.Rng },
            new JsonSerializerOptions { WriteIndented = true });
        File.WriteAllText(resultsFile, json + Environment.NewLine);
        Console.WriteLine($"Result written to {resultsFile}");
    }

    return 0;
}
