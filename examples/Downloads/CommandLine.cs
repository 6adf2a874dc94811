using System.Globalization;
using Checkpointing.Examples;

namespace Downloads;

/// <summary>The example contract's options, plus the download's own.</summary>
internal sealed record CommandLine
{
    public const string Usage = """
        Usage: dotnet run --project examples/Downloads -- [options]

          --checkpoint-dir DIR   where the run's journal, checkpoints and downloaded files go (default: checkpoints)
          --seed N               seed of the generated data and of the retry jitter (default: 42)
          --series N             how many series to download (default: 300)
          --max-kb N             size of the largest series in KiB; sizes vary from 4 KiB up to it (default: 1024)
          --workers N            concurrent downloads (default: 4)
          --bandwidth N          the server's pace per connection in KiB/s, 0 for unlimited (default: 2048)
          --fail-rate P          fraction of requests the server fails (500s and connections cut mid-body), 0 to <1 (default: 0)
          --data-revision N      the revision the server publishes; a new revision changes every series and its ETag (default: 1)
          --yes, -y              resume without asking (also when stdin is not a terminal)
          --fresh                delete this run's progress and downloaded files and start over
          --results FILE         write the final result (per-series size and SHA-256) as JSON
          --ack                  print machine-readable lines for tests (ACK <series> once its completion is durable, ...)
          --help, -h             show this help

        The seed, the number of series and --max-kb belong to the run: a resumed run keeps the ones it started with.
        """;

    public string CheckpointDirectory { get; init; } = "checkpoints";

    public ulong Seed { get; init; } = 42;

    public bool SeedGiven { get; init; }

    public int Series { get; init; } = 300;

    public bool SeriesGiven { get; init; }

    public int MaxKiB { get; init; } = 1024;

    public bool MaxKiBGiven { get; init; }

    public int Workers { get; init; } = 4;

    public int BandwidthKiB { get; init; } = 2048;

    public double FailRate { get; init; }

    public int DataRevision { get; init; } = 1;

    public bool Yes { get; init; }

    public bool Fresh { get; init; }

    public string? ResultsFile { get; init; }

    public bool Ack { get; init; }

    public bool Help { get; init; }

    /// <summary>Parses <paramref name="args"/>; returns null and sets <paramref name="error"/> when they are invalid.</summary>
    public static CommandLine? Parse(string[] args, out string? error) =>
        ArgumentReader.Parse(args, new CommandLine(), static (result, r) => r.Current switch
        {
            "--checkpoint-dir" => result with { CheckpointDirectory = r.Value() },
            "--seed" => result with { Seed = r.ULong(), SeedGiven = true },
            "--series" => result with { Series = Range(r.Int(), r.Current, 1, 1_000_000), SeriesGiven = true },
            "--max-kb" => result with { MaxKiB = Range(r.Int(), r.Current, 1, 1024 * 1024), MaxKiBGiven = true },
            "--workers" => result with { Workers = Range(r.Int(), r.Current, 1, 64) },
            "--bandwidth" => result with { BandwidthKiB = Range(r.Int(), r.Current, 0, int.MaxValue / 1024) },
            "--fail-rate" => result with { FailRate = Rate(r.Value(), r.Current) },
            "--data-revision" => result with { DataRevision = Range(r.Int(), r.Current, 1, int.MaxValue) },
            "--yes" or "-y" => result with { Yes = true },
            "--fresh" => result with { Fresh = true },
            "--results" => result with { ResultsFile = r.Value() },
            "--ack" => result with { Ack = true },
            "--help" or "-h" => result with { Help = true },
            _ => throw r.Unknown(),
        }, out error);

    private static int Range(int value, string name, int min, int max) =>
        value >= min && value <= max ? value : throw new FormatException($"{name} must be from {min} to {max}.");

    private static double Rate(string text, string name)
    {
        var value = double.Parse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture);
        return value is >= 0 and < 1 ? value : throw new FormatException($"{name} must be at least 0 and below 1.");
    }
}
