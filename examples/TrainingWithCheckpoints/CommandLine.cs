using Checkpointing.Examples;

namespace TrainingWithCheckpoints;

/// <summary>The example contract's options, plus <c>--trials</c>.</summary>
internal sealed record CommandLine
{
    public const string Usage = """
        Usage: dotnet run --project examples/TrainingWithCheckpoints -- [options]

          --checkpoint-dir DIR   where checkpoints go (default: checkpoints)
          --seed N               random seed; the result is the same for the same seed (default: 42)
          --trials N             total trials of the search (default: 50; more extends a finished study)
          --yes, -y              resume without asking (also when stdin is not a terminal)
          --fresh                delete this study's checkpoints and journal and start over
          --results FILE         write the final result as JSON
          --help, -h             show this help
        """;

    public string CheckpointDirectory { get; init; } = "checkpoints";

    public ulong Seed { get; init; } = 42;

    public bool SeedGiven { get; init; }

    public int Trials { get; init; } = 50;

    public bool TrialsGiven { get; init; }

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
            "--trials" => result with { Trials = Positive(r.Int(), r.Current), TrialsGiven = true },
            "--yes" or "-y" => result with { Yes = true },
            "--fresh" => result with { Fresh = true },
            "--results" => result with { ResultsFile = r.Value() },
            "--help" or "-h" => result with { Help = true },
            _ => throw r.Unknown(),
        }, out error);

    private static int Positive(int value, string name) =>
        value > 0 ? value : throw new FormatException($"{name} must be at least 1.");
}
