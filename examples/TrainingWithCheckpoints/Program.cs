// TrainingWithCheckpoints: the seed's training_with_checkpoints_example.py in C#.
// A hyperparameter search (50 trials, TPE sampler) over a small neural network trained on the
// two-moons data set. Every finished trial is durable in the study's journal the moment it
// finishes; the whole study is also saved as a checkpoint every 10 trials, whenever the best value
// improves, and when Ctrl+C, SIGTERM or SIGHUP arrives (after the running trial finishes). Run the
// same command again after any interruption, even kill -9, and it resumes where it stopped, with
// the same random stream: the finished study is identical to one that never stopped.
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Checkpointing;
using Checkpointing.Examples;
using Checkpointing.Interrupts;
using Checkpointing.Studies;
using Checkpointing.Training;
using TrainingWithCheckpoints;

const int SaveEveryNTrials = 10;
var rule = new string('=', 80);

var options = CommandLine.Parse(args, out var parseError);
if (ExampleStartup.ShouldExit(options, parseError, o => o.Help, CommandLine.Usage, out var argumentsExitCode))
{
    return argumentsExitCode;
}

Console.WriteLine(rule);
Console.WriteLine("TRAINING WITH CHECKPOINT SUPPORT");
Console.WriteLine(rule);
Console.WriteLine();

if (!ExampleStartup.TryOpen("training", "two_moons_mlp", options.CheckpointDirectory, out var manager))
{
    return 1;
}

using (manager)
{
    var journalPath = Path.Combine(manager.RunDirectory, Study.JournalFileName);
    Console.WriteLine($"Run directory: {manager.RunDirectory}");
    Console.WriteLine("Model: 2-hidden-layer neural network (SGD with momentum) on two moons, 2000 training / 500 validation points");
    Console.WriteLine($"Objective: minimise the {Objective.Metric}");
    Console.WriteLine();
    if (options.Fresh)
    {
        Console.WriteLine($"--fresh: deleted {DeleteStudy()} checkpoint(s) and the study journal.");
        Console.WriteLine();
    }

    ResumeResult<StudySnapshot?> resume;
    try
    {
        resume = manager.Resume<StudySnapshot>();
    }
    catch (CheckpointException ex)
    {
        Console.Error.WriteLine(ex.Message);
        Console.Error.WriteLine("Run again with --fresh to start over.");
        return 1;
    }

    foreach (var skipped in resume.Skipped)
    {
        Console.WriteLine($"Warning: skipped damaged checkpoint {skipped.FileName}: {skipped.Reason}" +
            (skipped.QuarantinedTo is null ? string.Empty : $" (moved to {skipped.QuarantinedTo})"));
    }

    var summary = ResumeSummary.From(resume);
    var target = options.TrialsGiven ? options.Trials : (int?)summary?.TotalSteps ?? options.Trials;
    var study = OpenStudy(resume.State?.Seed ?? options.Seed);
    if (study is null)
    {
        return 1;
    }

    try
    {
        if (summary is null && study.CompletedTrials == 0)
        {
            Console.WriteLine("No checkpoint found. Starting fresh optimization.");
        }
        else
        {
            PrintFound(summary, study);
            if (study.CompletedTrials >= target)
            {
                Console.WriteLine(study.CompletedTrials == target
                    ? $"This study already completed {target}/{target} trials; there is nothing left to do."
                    : $"This study already has {study.CompletedTrials} finished trials, more than the {target} asked for; there is nothing left to do.");
                Console.WriteLine("Use --trials N to extend it, or --fresh to start over.");
                return Finish(study, sessionTime: null);
            }

            if (ExampleConsole.AskYesNo("Resume from checkpoint?", options.Yes))
            {
                PrintResuming(study, summary);
            }
            else
            {
                study.Dispose();
                var deleted = DeleteStudy();
                study = OpenStudy(options.Seed);
                if (study is null)
                {
                    return 1;
                }

                Console.WriteLine($"Starting fresh optimization (deleted {deleted} checkpoint(s) and the study journal).");
            }
        }

        Console.WriteLine();
        Console.WriteLine($"Remaining trials: {target - study.CompletedTrials}/{target} (seed {study.Seed}; a checkpoint every {SaveEveryNTrials} trials and on every improvement)");

        // Installed only now, so Ctrl+C at the prompt above still ends the program at once.
        using var interrupts = InterruptHandler.Install(new InterruptOptions { UnitName = "trial" });
        Console.WriteLine();
        Console.WriteLine(rule);
        Console.WriteLine("STARTING OPTIMIZATION");
        Console.WriteLine(rule);
        Console.WriteLine();
        var checkpoints = new TrainingCheckpointCallback(manager, new TrainingCheckpointOptions
        {
            SaveEveryNTrials = SaveEveryNTrials,
            SaveOnImprovement = TrainingCheckpointCallback.BestValueMetric,
            ImprovementMode = BestMetricMode.Min,
            InterruptHandler = interrupts,
        });
        var objective = new Objective(TwoMoons.Generate(), study.Seed);
        var clock = Stopwatch.StartNew();
        try
        {
            study.Optimize(trial => objective.Evaluate(trial, interrupts.WorkToken), target, [new ConsoleProgress(checkpoints)], interrupts.StopToken);
        }
        catch (Exception ex)
        {
            Console.Error.WriteLine($"The optimization failed: {ex.GetType().Name}: {ex.Message}");
            try
            {
                if (checkpoints.OnStudyStopped(study, ex) is { } failed)
                {
                    ConsoleProgress.PrintSaved(failed);
                }
            }
            catch (CheckpointException saveError)
            {
                Console.Error.WriteLine($"The failure could not be recorded in a checkpoint either: {saveError.Message}");
            }

            Console.Error.WriteLine($"Completed trials are safe in {journalPath}; run again to resume.");
            return 1;
        }

        if (checkpoints.OnStudyStopped(study) is { } final)
        {
            ConsoleProgress.PrintSaved(final);
        }

        if (study.WasInterrupted)
        {
            Console.WriteLine();
            Console.WriteLine(rule);
            Console.WriteLine("OPTIMIZATION INTERRUPTED");
            Console.WriteLine(rule);
            Console.WriteLine("Checkpoint saved. Run again to resume.");
            Console.WriteLine($"Completed trials: {study.CompletedTrials}/{target}");
            Console.WriteLine($"Stopped by {interrupts.Signal}; exit code {interrupts.ExitCode}.");
            return interrupts.ExitCode;
        }

        return Finish(study, clock.Elapsed);
    }
    finally
    {
        study?.Dispose();
    }

    Study? OpenStudy(ulong seed)
    {
        try
        {
            return Study.CreateOrResume(manager, Objective.CreateSpace(), new StudyOptions { Direction = StudyDirection.Minimize, Seed = seed });
        }
        catch (Exception ex) when (ex is CheckpointException or StudyMismatchException)
        {
            Console.Error.WriteLine(ex.Message);
            Console.Error.WriteLine("Run again with --fresh to start over.");
            return null;
        }
    }

    int DeleteStudy()
    {
        var deleted = manager.DeleteAll();
        File.Delete(journalPath);
        return deleted;
    }

    void PrintFound(ResumeSummary? found, Study s)
    {
        Console.WriteLine(rule);
        Console.WriteLine("CHECKPOINT FOUND");
        Console.WriteLine(rule);
        if (found is null)
        {
            Console.WriteLine("  Checkpoint ID: none yet (the run stopped before its first save)");
            Console.WriteLine($"  Study journal: {s.CompletedTrials} finished trial(s)");
        }
        else
        {
            Console.WriteLine($"  Checkpoint ID: {found.CheckpointId}");
            Console.WriteLine($"  Step: {found.Step}");
            Console.WriteLine($"  Progress: {found.ProgressPercent ?? 0:F1}%");
            Console.WriteLine($"  Timestamp: {found.TimestampUtc:yyyy-MM-ddTHH:mm:ssZ}");
            Console.WriteLine($"  Status: {found.Status}{(found.Signal is null ? string.Empty : $" ({found.Signal})")}");
            Console.WriteLine($"  Written: {ExampleConsole.Ago(found.Age)} ago");
        }

        Console.WriteLine($"  Interruptions so far: {s.Interruptions}");
        Console.WriteLine(s.InterruptedTrialNumber is int redone
            ? $"  Work redone: trial {redone} only (it was running when the run stopped; it runs again with the same parameters)"
            : "  Work redone: none (every finished trial is in the study journal)");
        Console.WriteLine(rule);
        Console.WriteLine();
    }

    void PrintResuming(Study s, ResumeSummary? found)
    {
        Console.WriteLine();
        Console.WriteLine("Resuming optimization:");
        var fromJournal = s.CompletedTrials - (found?.Step ?? 0);
        Console.WriteLine(fromJournal > 0
            ? $"  Completed trials: {s.CompletedTrials} (the checkpoint holds {found?.Step ?? 0}; the study journal has {fromJournal} more)"
            : $"  Completed trials: {s.CompletedTrials}");
        Console.WriteLine(s.BestTrial is { } best
            ? $"  Best value so far: {ConsoleProgress.FormatValue(best.Value)} (trial {best.Number})"
            : "  Best value so far: none");
        if (options.SeedGiven && options.Seed != s.Seed)
        {
            Console.WriteLine($"  Note: this study was started with --seed {s.Seed}; it continues with it (use --fresh to change it).");
        }
    }

    int Finish(Study s, TimeSpan? sessionTime)
    {
        var objective = new Objective(TwoMoons.Generate(), s.Seed);
        var best = s.BestTrial;
        var accuracy = best is null ? (double?)null : objective.Train(best.Params, best.Number).Accuracy;
        var failed = s.Trials.Count(t => t.State != TrialState.Complete);
        var computeTime = TimeSpan.FromTicks(s.Trials.Sum(t => t.Duration.Ticks));

        Console.WriteLine();
        Console.WriteLine(rule);
        Console.WriteLine("OPTIMIZATION COMPLETE");
        Console.WriteLine(rule);
        if (best is null)
        {
            Console.WriteLine("  No trial completed.");
        }
        else
        {
            Console.WriteLine($"  Best trial: {best.Number}");
            Console.WriteLine($"  Best value ({Objective.Metric}): {ConsoleProgress.FormatValue(best.Value)}");
            Console.WriteLine("  Best parameters:");
            foreach (var (name, value) in best.Params)
            {
                Console.WriteLine($"    {name}: {ConsoleProgress.FormatParam(value)}");
            }

            Console.WriteLine($"  Validation accuracy of the best model: {accuracy * 100:F1}%");
        }

        Console.WriteLine($"  Trials: {s.CompletedTrials - failed} complete, {failed} failed");
        Console.WriteLine($"  Total time: {computeTime.TotalSeconds:F1} s of training over {s.Sessions} session(s), interrupted {s.Interruptions} time(s)" +
            (sessionTime is { } t ? $"; this session {t.TotalSeconds:F1} s" : string.Empty));

        if (options.ResultsFile is { } file)
        {
            var space = Objective.CreateSpace();
            IReadOnlyDictionary<string, ParameterValue> Ordered(IReadOnlyDictionary<string, ParameterValue> p) =>
                space.Parameters.ToDictionary(d => d.Name, d => p[d.Name]);
            var result = new StudyResult(
                s.Seed,
                s.CompletedTrials,
                Objective.Metric,
                s.Direction.ToString().ToLowerInvariant(),
                best?.Number,
                best?.Value,
                best is null ? null : Ordered(best.Params),
                accuracy,
                [.. s.Trials.Select(t => new TrialResult(t.Number, t.State.ToString(), t.Value, Ordered(t.Params)))]);
            var json = JsonSerializer.Serialize(result, new JsonSerializerOptions(JsonSerializerDefaults.Web) { WriteIndented = true });
            File.WriteAllText(file, json + Environment.NewLine);
            Console.WriteLine($"Result written to {file}");
        }

        return 0;
    }
}

