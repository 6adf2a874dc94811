using Checkpointing.Examples;

namespace WorkerService;

/// <summary>The example contract's options, plus the size and pace of the batch job.</summary>
internal sealed record CommandLine
{
    public const string Usage = """
        Usage: dotnet run --project examples/WorkerService -- [options]

          --checkpoint-dir DIR   where checkpoints go (default: Checkpointing:RootDirectory in appsettings.json)
          --seed N               random seed; the result is the same for the same seed (default: 42)
          --records N            records in the batch job (default: 20000)
          --batch-size N         records per batch, the unit of work (default: 100)
          --batch-ms N           simulated extra work per batch, in milliseconds (default: 50)
          --save-every N         a checkpoint every N batches (default: 20)
          --yes, -y              resume without asking (also when stdin is not a terminal)
          --fresh                delete this run's checkpoints and start over
          --results FILE         write the final result as JSON
          --help, -h             show this help

        Stop it with Ctrl+C or SIGTERM (docker stop): the running batch finishes, a final checkpoint
        is written, and the process exits with 130 or 143. Run it again to continue.
        """;

    public string? CheckpointDirectory { get; init; }

    public ulong Seed { get; init; } = 42;

    public int Records { get; init; } = 20_000;

    public int BatchSize { get; init; } = 100;

    public int BatchMilliseconds { get; init; } = 50;

    public int SaveEvery { get; init; } = 20;

    public bool Yes { get; init; }

    public bool Fresh { get; init; }

    public string? ResultsFile { get; init; }

    public bool Help { get; init; }

    /// <summary>Parses <paramref name="args"/>; returns null and sets <paramref name="error"/> when they are invalid.</summary>
    public static CommandLine? Parse(string[] args, out string? error) =>
        ArgumentReader.Parse(args, new CommandLine(), static (result, r) => r.Current switch
        {
            "--checkpoint-dir" => result with { CheckpointDirectory = r.Value() },
            "--seed" => result with { Seed = r.ULong() },
            "--records" => result with { Records = Positive(r.Int(), r.Current) },
            "--batch-size" => result with { BatchSize = Positive(r.Int(), r.Current) },
            "--batch-ms" => result with { BatchMilliseconds = r.Int() },
            "--save-every" => result with { SaveEvery = Positive(r.Int(), r.Current) },
            "--yes" or "-y" => result with { Yes = true },
            "--fresh" => result with { Fresh = true },
            "--results" => result with { ResultsFile = r.Value() },
            "--help" or "-h" => result with { Help = true },
            _ => throw r.Unknown(),
        }, out error);

    private static int Positive(int value, string name) =>
        value > 0 ? value : throw new FormatException($"{name} must be at least 1.");
}
