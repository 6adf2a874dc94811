using System.Globalization;

namespace Checkpointing.TestChild;

/// <summary>
/// The <c>bg-save-loop ROOT MIB</c> mode: saves steps previous+1, previous+2, … with SaveInBackgroundAsync,
/// each with a float64 section of MIB MiB derived from the step, overwriting its buffer as soon as the call
/// returns (the save must have captured it). Prints <c>saving N</c> before asking for step N and
/// <c>durable N</c> once step N's Completion has completed, until killed or until stdin closes.
/// </summary>
public static class BackgroundSaveLoop
{
    /// <summary>The run the mode writes (process type <see cref="LoopState.ProcessType"/>).</summary>
    public const string RunName = "bgloop";

    /// <summary>The float64 section each checkpoint holds.</summary>
    public const string SectionName = "weights";

    private static readonly Lock PrintLock = new();

    /// <summary>The options the mode (and a checker) opens the run with.</summary>
    public static CheckpointOptions Options(string root) => new() { RootDirectory = root, KeepLastN = 3 };

    /// <summary>Float64 elements in a section of <paramref name="mib"/> MiB.</summary>
    public static int WeightCount(int mib) => mib * (1 << 20) / sizeof(double);

    /// <summary>The section values of <paramref name="step"/>: every element depends on the step, so a mix of steps shows.</summary>
    public static void Fill(Span<double> weights, long step)
    {
        for (var i = 0; i < weights.Length; i++)
        {
            weights[i] = (step * 4_096.0) + (i * 0.25);
        }
    }

    /// <summary>Null when the checkpoint's state and section are exactly what <see cref="Run"/> saves for its step, else what is wrong.</summary>
    public static string? Problem(Checkpoint<BgLoopState> checkpoint)
    {
        var step = checkpoint.Metadata.Step;
        if (checkpoint.State is null || checkpoint.State.Step != step)
        {
            return $"state says step {checkpoint.State?.Step.ToString(CultureInfo.InvariantCulture) ?? "null"} but the checkpoint is step {step}";
        }

        if (!checkpoint.Sections.TryGet(SectionName, out var section))
        {
            return $"the checkpoint has no '{SectionName}' section";
        }

        if (section.ElementType != "float64" || section.GetLength<byte>() != (long)checkpoint.State.WeightCount * sizeof(double))
        {
            return $"section '{SectionName}' is {section} instead of {checkpoint.State.WeightCount} float64 values";
        }

        var weights = section.ReadArray<double>();
        var expected = new double[weights.Length];
        Fill(expected, step);
        var first = weights.AsSpan().CommonPrefixLength(expected);
        return first == weights.Length ? null : $"section value {first} is {weights[first]}, step {step} saves {expected[first]}";
    }

    public static int Run(string root, int mib)
    {
        ExitWhenStdinCloses();
        using var manager = new CheckpointManager(LoopState.ProcessType, RunName, Options(root));
        var latest = manager.LoadLatest<BgLoopState>();
        long step = 0;
        if (latest is null)
        {
            Print("FRESH");
        }
        else
        {
            if (Problem(latest) is { } problem)
            {
                Console.Error.WriteLine($"PROBLEM resumed checkpoint {latest.Metadata.Id}: {problem}");
                return 1;
            }

            step = latest.Metadata.Step;
            Print($"RESUMED {step.ToString(CultureInfo.InvariantCulture)}");
        }

        var weights = new double[WeightCount(mib)];
        while (true)
        {
            step++;
            Fill(weights, step);
            Print($"saving {step.ToString(CultureInfo.InvariantCulture)}");
            var save = manager.SaveInBackgroundAsync(new BgLoopState(step, weights.Length), step, sections: new BinarySections { { SectionName, weights } })
                .AsTask().GetAwaiter().GetResult();

            // The save captured the section; the write in flight must not see this.
            Array.Fill(weights, double.NaN);
            save.Completion.ContinueWith(
                static t =>
                {
                    if (t.IsCompletedSuccessfully && t.Result is { } metadata)
                    {
                        Print($"durable {metadata.Step.ToString(CultureInfo.InvariantCulture)}");
                    }
                    else
                    {
                        Console.Error.WriteLine($"PROBLEM background save failed: {t.Exception}");
                        Environment.Exit(Modes.StorageErrorExitCode);
                    }
                },
                CancellationToken.None,
                TaskContinuationOptions.ExecuteSynchronously,
                TaskScheduler.Default);
        }
    }

    private static void ExitWhenStdinCloses()
    {
        var watcher = new Thread(() =>
        {
            Console.In.ReadToEnd();
            Environment.Exit(4);
        })
        {
            IsBackground = true,
        };
        watcher.Start();
    }

    private static void Print(string line)
    {
        lock (PrintLock)
        {
            Console.Out.WriteLine(line);
            Console.Out.Flush();
        }
    }
}
