using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Reflection;
using System.Runtime.CompilerServices;

namespace Checkpointing.Diagnostics;

/// <summary>
/// The library's only <see cref="Meter"/> and <see cref="ActivitySource"/>, and the instruments of a meter:
/// the shared static one, or one a <see cref="CheckpointOptions.MeterFactory"/> made.
/// </summary>
internal sealed class Instruments
{
    /// <summary>Tag names, shared by the metrics and the spans.</summary>
    public const string ProcessTypeTag = "checkpointing.process_type";
    public const string RunTag = "checkpointing.run";
    public const string CompressionTag = "checkpointing.compression";
    public const string ErrorTypeTag = "error.type";

    public static readonly string? Version = typeof(Instruments).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion;

    public static readonly ActivitySource Source = new(CheckpointingTelemetry.ActivitySourceName, Version);

    private static readonly ConditionalWeakTable<Meter, Instruments> FromFactories = new();

    // 1 ms to 10 minutes: a small save takes about a millisecond, a large one minutes.
    private static readonly InstrumentAdvice<double> OperationBuckets = new()
    {
        HistogramBucketBoundaries = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600],
    };

    // 100 µs to 10 s: a commit is one write and one fdatasync.
    private static readonly InstrumentAdvice<double> CommitBuckets = new()
    {
        HistogramBucketBoundaries = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    };

    /// <summary>The instruments of the static meter, used when no meter factory is given.</summary>
    /// <remarks>After the advice above: static fields are initialised in the order they are written.</remarks>
    public static readonly Instruments Shared = new(new Meter(CheckpointingTelemetry.MeterName, Version));

    // The writable managers open on this meter; weak, so a manager never disposed is still collected.
    private readonly ConditionalWeakTable<RunTelemetry, object?> _runs = new();

    private Instruments(Meter meter)
    {
        SaveDuration = meter.CreateHistogram("checkpointing.save.duration", "s", "Duration of checkpoint saves, from the first byte written to the directory fsync.", advice: OperationBuckets);
        SaveBytes = meter.CreateCounter<long>("checkpointing.save.bytes", "By", "Size on disk of the checkpoint files published.");
        SaveFailures = meter.CreateCounter<long>("checkpointing.save.failures", "{failure}", "Checkpoint saves that failed; earlier checkpoints are untouched.");
        LoadDuration = meter.CreateHistogram("checkpointing.load.duration", "s", "Duration of checkpoint loads, verification and deserialisation included.", advice: OperationBuckets);
        LoadFallbacks = meter.CreateCounter<long>("checkpointing.load.fallbacks", "{fallback}", "Loads that used an older checkpoint because newer ones failed verification.");
        JournalCommitDuration = meter.CreateHistogram("checkpointing.journal.commit.duration", "s", "Duration of journal commits that wrote and fdatasynced records.", advice: CommitBuckets);
        meter.CreateObservableGauge("checkpointing.run.step", () => Observe(static run => run.Step), "{step}", "The step last saved or loaded by each open writable manager.");
        meter.CreateObservableGauge("checkpointing.run.progress", () => Observe(static run => run.Progress), "1", "The step last saved or loaded over the run's total steps, 0 to 1, when the total is known.");
    }

    public Histogram<double> SaveDuration { get; }

    public Counter<long> SaveBytes { get; }

    public Counter<long> SaveFailures { get; }

    public Histogram<double> LoadDuration { get; }

    public Counter<long> LoadFallbacks { get; }

    public Histogram<double> JournalCommitDuration { get; }

    /// <summary>The instruments of <paramref name="factory"/>'s <c>Checkpointing</c> meter, or the shared ones when it is null.</summary>
    public static Instruments For(IMeterFactory? factory)
    {
        if (factory is null)
        {
            return Shared;
        }

        var meter = factory.Create(new MeterOptions(CheckpointingTelemetry.MeterName) { Version = Version });
        return FromFactories.GetValue(meter, static m => new Instruments(m));
    }

    public void Register(RunTelemetry run) => _runs.AddOrUpdate(run, null);

    public void Unregister(RunTelemetry run) => _runs.Remove(run);

    /// <summary>One measurement per registered run that has a value: the gauges' callback.</summary>
    private List<Measurement<T>> Observe<T>(Func<RunTelemetry, T?> read)
        where T : struct
    {
        var result = new List<Measurement<T>>();
        foreach (var (run, _) in _runs)
        {
            if (read(run) is T value)
            {
                result.Add(new Measurement<T>(value, run.RunTags));
            }
        }

        return result;
    }
}
