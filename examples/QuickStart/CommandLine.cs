using System.Globalization;
using Checkpointing.Examples;

namespace QuickStart;

/// <summary>The example contract's options, plus <c>--steps</c> and <c>--step-ms</c>.</summary>
internal sealed record CommandLine
{
    public const string Usage = """
        Usage: dotnet run --project examples/QuickStart -- [options]

          --checkpoint-dir DIR   where checkpoints go (default: checkpoints)
          --seed N               random seed; the result is the same for the same seed (default: 42)
          --steps N              steps of work (default: 200)
          --step-ms N            simulated extra work per step, in milliseconds (default: 30)
          --yes, -y              resume without asking (also when stdin is not a terminal)
          --fresh                delete this run's checkpoints and start over
          --results FILE         write the final result as JSON
          --help, -h             show this help
        """;

    public string CheckpointDirectory { get; init; } = "checkpoints";

    public ulong Seed { get; init; } = 42;

    public bool SeedGiven { get; init; }

    public long Steps { get; init; } = 200;

    public bool StepsGiven { get; init; }

    public int StepMilliseconds { get; init; } = 30;

    public bool Yes { get; init; }

    public bool Fresh { get; init; }

    public string? ResultsFile { get; init; }

    public bool Help { get; init; }

    /// <summary>Parses <paramref name="args"/>; returns null and sets <paramref name="error"/> when they are invalid.</summary>
    public static CommandLine? Parse(string[] args, out string? error) =>
        ArgumentReader.Parse(args, new CommandLine(), static (result, r) => r.Current switch
        {
            "--checkpoint-dir" => result with { CheckpointDirectory = r.Value() },
            "--seed" => result with { Seed = r.ULong(), SeedGiven = true },
            "--steps" => result with { Steps = Positive(long.Parse(r.Value(), NumberStyles.None, CultureInfo.InvariantCulture), r.Current), StepsGiven = true },
            "--step-ms" => result with { StepMilliseconds = r.Int() },
            "--yes" or "-y" => result with { Yes = true },
            "--fresh" => result with { Fresh = true },
            "--results" => result with { ResultsFile = r.Value() },
            "--help" or "-h" => result with { Help = true },
            _ => throw r.Unknown(),
        }, out error);

    private static long Positive(long value, string name) =>
        value > 0 ? value : throw new FormatException($"{name} must be at least 1.");
}
