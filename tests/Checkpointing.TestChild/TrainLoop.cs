using System.Globalization;
using Checkpointing.Interrupts;
using Checkpointing.Training;

namespace Checkpointing.TestChild;

/// <summary>
/// The <c>train</c> mode: a training loop as the library's docs recommend it, with an
/// <see cref="InterruptHandler"/> and a <see cref="TrainingCheckpointCallback"/>. It prints
/// <c>READY</c> once the signal handlers are installed, <c>DONE k</c> after unit k finished, and how it
/// stopped: <c>INTERRUPTED_SAVED k</c>, <c>COMPLETED k</c> or <c>FAILED_SAVED k</c>.
/// </summary>
internal static class TrainLoop
{
    private const string Usage =
        "train ROOT UNITS [--seed S] [--unit-ms M] [--save-every K] [--mode finish|abandon] [--fail-at U] [--slow-final-save]";

    public static int Run(string[] args)
    {
        if (args.Length < 2 || !long.TryParse(args[1], NumberStyles.None, CultureInfo.InvariantCulture, out var units))
        {
            return BadArguments();
        }

        var root = args[0];
        ulong seed = 1;
        int unitMs = 20, saveEvery = 10;
        long? failAt = null;
        var mode = InterruptMode.FinishCurrentUnit;
        var slowFinalSave = false;
        for (var i = 2; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--seed" when i + 1 < args.Length:
                    seed = ulong.Parse(args[++i], CultureInfo.InvariantCulture);
                    break;
                case "--unit-ms" when i + 1 < args.Length:
                    unitMs = int.Parse(args[++i], CultureInfo.InvariantCulture);
                    break;
                case "--save-every" when i + 1 < args.Length:
                    saveEvery = int.Parse(args[++i], CultureInfo.InvariantCulture);
                    break;
                case "--fail-at" when i + 1 < args.Length:
                    failAt = long.Parse(args[++i], CultureInfo.InvariantCulture);
                    break;
                case "--mode" when i + 1 < args.Length:
                    mode = args[++i] == "abandon" ? InterruptMode.Abandon : InterruptMode.FinishCurrentUnit;
                    break;
                case "--slow-final-save":
                    slowFinalSave = true;
                    break;
                default:
                    return BadArguments();
            }
        }

        using var interrupts = InterruptHandler.Install(new InterruptOptions { Mode = mode, UnitName = "unit" });
        var serializer = new SlowFinalSaveSerializer();
        using var manager = new CheckpointManager(
            TrainLoopState.ProcessType,
            TrainLoopState.RunName,
            new CheckpointOptions { RootDirectory = root, KeepLastN = 3, Serializer = serializer });
        var resume = manager.Resume(() => TrainLoopState.Initial(seed));
        var callback = new TrainingCheckpointCallback(manager, new TrainingCheckpointOptions { SaveEveryNTrials = saveEvery, InterruptHandler = interrupts });
        Print($"SESSION {callback.Session}");
        if (ResumeSummary.From(resume) is { } summary)
        {
            Print($"RESUMED {summary.Step} {summary.Status}");
            Print($"INTERRUPTIONS {summary.Interruptions}");
            Print($"WORK_REDONE {summary.WorkRedone}");
            if (summary.Status == CheckpointStatus.Completed)
            {
                Print("ALREADY_COMPLETE");
                return 0;
            }
        }
        else
        {
            Print("FRESH");
        }

        var state = resume.State;
        Print("READY");
        try
        {
            while (state.Units < units)
            {
                if (interrupts.StopRequested)
                {
                    serializer.Slow = slowFinalSave;
                    var saved = callback.OnInterrupted(state.Units, state, units)!;
                    Print($"INTERRUPTED_SAVED {saved.Step}");
                    return interrupts.ExitCode;
                }

                var (draw, next) = state.Draw();
                if (!Work(unitMs, interrupts.WorkToken))
                {
                    continue;
                }

                if (state.Units + 1 == failAt)
                {
                    throw new InvalidOperationException($"unit {failAt} failed on purpose");
                }

                state = state.Finish(draw, next);
                Print($"DONE {state.Units}");
                callback.OnTrialFinished(state.Units, units, state);
            }
        }
        catch (InvalidOperationException ex)
        {
            var saved = callback.OnFailed(state.Units, state, ex, units)!;
            Print($"FAILED_SAVED {saved.Step}");
            throw;
        }

        callback.OnCompleted(state.Units, state, units);
        Print($"COMPLETED {state.Units}");
        return 0;
    }

    public static void Print(string line)
    {
        Console.Out.WriteLine(line);
        Console.Out.Flush();
    }

    /// <summary>Works for <paramref name="ms"/> milliseconds; returns false when abandoned through <paramref name="token"/>.</summary>
    private static bool Work(int ms, CancellationToken token)
    {
        if (!token.CanBeCanceled)
        {
            Thread.Sleep(ms);
            return true;
        }

        return !token.WaitHandle.WaitOne(ms);
    }

    private static int BadArguments()
    {
        Console.Error.WriteLine("usage: " + Usage);
        return 2;
    }
}
