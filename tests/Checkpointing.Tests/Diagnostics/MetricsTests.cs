using System.Diagnostics.Metrics;
using Checkpointing.Interop;
using Checkpointing.Journaling;
using Checkpointing.Tests.Crash;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;

namespace Checkpointing.Tests.Diagnostics;

/// <summary>
/// The instruments of the <c>Checkpointing</c> meter, read back with <see cref="MetricCollector{T}"/>. Each test has a
/// meter factory of its own (<see cref="CheckpointOptions.MeterFactory"/>), so tests running in parallel do not mix.
/// </summary>
public sealed class MetricsTests : IDisposable
{
    private readonly TelemetryRun _run = new();

    public void Dispose() => _run.Dispose();

    [Fact]
    public void Save_RecordsDurationAndBytesEqualToTheFilesOnDisk()
    {
        using var durations = Collect<double>("checkpointing.save.duration");
        using var bytes = Collect<long>("checkpointing.save.bytes");
        using var failures = Collect<long>("checkpointing.save.failures");
        var saved = new List<CheckpointMetadata>();
        using (var manager = _run.Open(o => o.Compression = CheckpointCompression.Gzip))
        {
            for (var step = 1; step <= 3; step++)
            {
                saved.Add(manager.Save(new TelemetryState(new string('x', 1000 * step), step), step));
            }
        }

        var onDisk = saved.Select(m => new FileInfo(m.FilePath).Length).ToList();
        Assert.Equal(onDisk, bytes.GetMeasurementSnapshot().Select(m => m.Value));
        Assert.Equal(onDisk, saved.Select(m => m.StoredBytes));
        var recorded = durations.GetMeasurementSnapshot();
        Assert.Equal(3, recorded.Count);
        foreach (var measurement in recorded)
        {
            Assert.True(measurement.Value > 0, $"duration {measurement.Value}");
            Assert.Equal(TelemetryRun.ProcessType, measurement.Tags["checkpointing.process_type"]);
            Assert.Equal(_run.Name, measurement.Tags["checkpointing.run"]);
            Assert.Equal("gzip", measurement.Tags["checkpointing.compression"]);
            Assert.False(measurement.Tags.ContainsKey("error.type"));
        }

        Assert.Equal("gzip", bytes.LastMeasurement!.Tags["checkpointing.compression"]);
        var advice = Assert.IsType<Histogram<double>>(durations.Instrument).Advice?.HistogramBucketBoundaries;
        Assert.NotNull(advice);
        Assert.Equal((0.001, 600.0), (advice[0], advice[^1]));
        Assert.Empty(failures.GetMeasurementSnapshot());
    }

    [Fact]
    public void Save_StorageErrorWithErrno_CountsFailureTaggedWithTheErrnoName()
    {
        using var failures = Collect<long>("checkpointing.save.failures");
        using var durations = Collect<double>("checkpointing.save.duration");
        using var bytes = Collect<long>("checkpointing.save.bytes");
        var fs = new SimulatedFileSystem();
        using var manager = _run.OpenSimulated(fs);
        manager.Save(new TelemetryState("first", 1), step: 1);

        fs.FailAt(fs.OperationCount + 1, Errno.ENOSPC);
        var ex = Assert.Throws<CheckpointStorageException>(() => manager.Save(new TelemetryState("second", 2), step: 2));

        Assert.Equal(Errno.ENOSPC, ex.Errno);
        var failure = Assert.Single(failures.GetMeasurementSnapshot());
        Assert.Equal(1, failure.Value);
        Assert.Equal("ENOSPC", failure.Tags["error.type"]);
        Assert.Equal(_run.Name, failure.Tags["checkpointing.run"]);
        Assert.Equal(["ENOSPC"], durations.GetMeasurementSnapshot().Where(m => m.Tags.ContainsKey("error.type")).Select(m => m.Tags["error.type"]));
        Assert.Single(bytes.GetMeasurementSnapshot());
    }

    [Fact]
    public void LoadLatest_NewestDamaged_CountsOneFallbackAndRecordsTheLoad()
    {
        _run.SaveTwoAndDamageNewest();
        using var fallbacks = Collect<long>("checkpointing.load.fallbacks");
        using var loads = Collect<double>("checkpointing.load.duration");
        using var manager = _run.Open();

        var loaded = manager.LoadLatest<TelemetryState>();

        Assert.Equal(1, loaded!.Metadata.Step);
        var fallback = Assert.Single(fallbacks.GetMeasurementSnapshot());
        Assert.Equal(1, fallback.Value);
        Assert.Equal(_run.Name, fallback.Tags["checkpointing.run"]);
        var load = Assert.Single(loads.GetMeasurementSnapshot());
        Assert.True(load.Value > 0);
        Assert.False(load.Tags.ContainsKey("error.type"));

        // The damaged file is in quarantine now: the next load does not fall back.
        manager.LoadLatest<TelemetryState>();
        Assert.Single(fallbacks.GetMeasurementSnapshot());
        Assert.Equal(2, loads.GetMeasurementSnapshot().Count);
    }

    [Fact]
    public void LoadLatest_StateOfAnotherType_RecordsLoadWithErrorType()
    {
        _run.SaveAndClose(1);

        using var loads = Collect<double>("checkpointing.load.duration");
        using var manager = _run.Open();

        Assert.Throws<CheckpointSerializationException>(() => manager.LoadLatest<int[]>());

        var load = Assert.Single(loads.GetMeasurementSnapshot());
        Assert.Equal(typeof(CheckpointSerializationException).FullName, load.Tags["error.type"]);
    }

    [Fact]
    public void RunGauges_ReportStepAndProgressOfOpenWritableManagersUntilDisposed()
    {
        using var steps = Collect<long>("checkpointing.run.step");
        using var progress = Collect<double>("checkpointing.run.progress");
        var manager = _run.Open();
        using var reader = new CheckpointManager(TelemetryRun.ProcessType, _run.Name, _run.Options(o => o.ReadOnly = true));

        steps.RecordObservableInstruments();
        Assert.Empty(steps.GetMeasurementSnapshot());

        manager.Save(new TelemetryState("a", 30), step: 30, totalSteps: 120);
        reader.LoadLatest<TelemetryState>();
        steps.RecordObservableInstruments();
        progress.RecordObservableInstruments();

        var step = Assert.Single(steps.GetMeasurementSnapshot(clear: true));
        Assert.Equal(30, step.Value);
        Assert.Equal(_run.Name, step.Tags["checkpointing.run"]);
        Assert.Equal(TelemetryRun.ProcessType, step.Tags["checkpointing.process_type"]);
        Assert.Equal(0.25, Assert.Single(progress.GetMeasurementSnapshot(clear: true)).Value);

        manager.Save(new TelemetryState("b", 40), step: 40);
        steps.RecordObservableInstruments();
        progress.RecordObservableInstruments();
        Assert.Equal(40, Assert.Single(steps.GetMeasurementSnapshot(clear: true)).Value);
        Assert.Empty(progress.GetMeasurementSnapshot(clear: true));

        manager.Dispose();
        steps.RecordObservableInstruments();
        progress.RecordObservableInstruments();
        Assert.Empty(steps.GetMeasurementSnapshot());
        Assert.Empty(progress.GetMeasurementSnapshot());
    }

    [Fact]
    public void RunGauges_AfterResume_ReportTheResumedStep()
    {
        _run.SaveAndClose(7, 10);

        using var steps = Collect<long>("checkpointing.run.step");
        using var progress = Collect<double>("checkpointing.run.progress");
        using var manager = _run.Open();
        var (resumed, startStep, _) = manager.Resume<TelemetryState>();

        steps.RecordObservableInstruments();
        progress.RecordObservableInstruments();
        Assert.True(resumed);
        Assert.Equal(startStep, Assert.Single(steps.GetMeasurementSnapshot()).Value);
        Assert.Equal(0.7, Assert.Single(progress.GetMeasurementSnapshot()).Value, 12);
    }

    [Fact]
    public void RunGauges_AfterGetRecoveryInfoOnly_ReportTheStepItFound()
    {
        _run.SaveAndClose(9);

        using var steps = Collect<long>("checkpointing.run.step");
        using var manager = _run.Open();
        manager.GetRecoveryInfo();

        steps.RecordObservableInstruments();
        Assert.Equal(9, Assert.Single(steps.GetMeasurementSnapshot()).Value);
    }

    [Fact]
    public void JournalCommit_RecordsOneDurationPerCommitThatWrote()
    {
        using var commits = Collect<double>("checkpointing.journal.commit.duration");
        using var manager = _run.Open();
        using var journal = Journal.Open(manager);

        journal.Append([1, 2, 3]);
        journal.Commit();
        journal.Commit();
        journal.Append([4]);
        journal.Append([5]);
        journal.Commit();

        var recorded = commits.GetMeasurementSnapshot();
        Assert.Equal(2, recorded.Count);
        Assert.All(recorded, m => Assert.Equal(_run.Name, m.Tags["checkpointing.run"]));
    }

    [Fact]
    public void SharedMeter_WithoutMeterFactory_IsNamedCheckpointingAndSeesEverySave()
    {
        // The static meter is shared with every test of the process: only this run's measurements count.
        using var bytes = new MetricCollector<long>(null, CheckpointingTelemetry.MeterName, "checkpointing.save.bytes");
        using var manager = new CheckpointManager(TelemetryRun.ProcessType, _run.Name, _run.Options(o => o.MeterFactory = null));

        var saved = manager.Save(new TelemetryState("shared", 1), step: 1);

        var mine = bytes.GetMeasurementSnapshot().Where(m => Equals(m.Tags["checkpointing.run"], _run.Name)).ToList();
        Assert.Equal(saved.StoredBytes, Assert.Single(mine).Value);
        Assert.Equal(CheckpointingTelemetry.MeterName, bytes.Instrument!.Meter.Name);
        Assert.False(string.IsNullOrEmpty(bytes.Instrument.Meter.Version));
    }

    private MetricCollector<T> Collect<T>(string instrument)
        where T : struct => new(_run.Meters, CheckpointingTelemetry.MeterName, instrument);
}
