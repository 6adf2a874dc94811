using System.Collections.Concurrent;
using System.Diagnostics;
using Checkpointing.Interop;
using Checkpointing.Tests.Crash;

namespace Checkpointing.Tests.Diagnostics;

/// <summary>
/// The spans of the <c>Checkpointing</c> activity source, caught by an <see cref="ActivityListener"/>. The listener
/// also sees other tests' spans (it is process-wide), so each test looks only at spans tagged with its own run.
/// </summary>
public sealed class TracingTests : IDisposable
{
    private readonly TelemetryRun _run = new();
    private readonly ConcurrentQueue<Activity> _stopped = new();
    private readonly ActivityListener _listener;

    public TracingTests()
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == CheckpointingTelemetry.ActivitySourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = _stopped.Enqueue,
        };
        ActivitySource.AddActivityListener(_listener);
    }

    public void Dispose()
    {
        _listener.Dispose();
        _run.Dispose();
    }

    [Fact]
    public void Save_StartsSaveSpanWithRunStepIdBytesAndCompression()
    {
        CheckpointMetadata saved;
        using (var parent = new Activity("caller").Start())
        {
            using var manager = _run.Open(o => o.Compression = CheckpointCompression.Zstd);
            saved = manager.Save(new TelemetryState("s", 5), step: 5);
        }

        var span = Assert.Single(Mine(), a => a.OperationName == "checkpointing.save");
        Assert.Equal(TelemetryRun.ProcessType, span.GetTagItem("checkpointing.process_type"));
        Assert.Equal(5L, span.GetTagItem("checkpointing.step"));
        Assert.Equal(saved.Id, span.GetTagItem("checkpointing.checkpoint_id"));
        Assert.Equal(saved.StoredBytes, span.GetTagItem("checkpointing.bytes"));
        Assert.Equal("zstd", span.GetTagItem("checkpointing.compression"));
        Assert.Equal(ActivityStatusCode.Unset, span.Status);
        Assert.Equal("caller", span.Parent?.OperationName);
    }

    [Fact]
    public void Save_StorageError_SetsErrorStatusAndErrorType()
    {
        var fs = new SimulatedFileSystem();
        using var manager = _run.OpenSimulated(fs);
        manager.Save(new TelemetryState("first", 1), step: 1);
        fs.FailAt(fs.OperationCount + 1, Errno.EIO);

        var ex = Assert.Throws<CheckpointStorageException>(() => manager.Save(new TelemetryState("second", 2), step: 2));

        var failed = Assert.Single(Mine(), a => a.OperationName == "checkpointing.save" && a.Status == ActivityStatusCode.Error);
        Assert.Equal("EIO", failed.GetTagItem("error.type"));
        Assert.Equal(ex.Message, failed.StatusDescription);
        Assert.Null(failed.GetTagItem("checkpointing.checkpoint_id"));
    }

    [Fact]
    public void LoadLatest_NewestDamaged_LoadSpanWithRecoverChildThatRecordsTheSkippedFile()
    {
        var (older, newer) = _run.SaveTwoAndDamageNewest();
        using var manager = _run.Open();

        var loaded = manager.LoadLatest<TelemetryState>();

        var spans = Mine();
        var load = Assert.Single(spans, a => a.OperationName == "checkpointing.load");
        var recover = Assert.Single(spans, a => a.OperationName == "checkpointing.recover");
        Assert.Same(load, recover.Parent);
        Assert.Equal(older.Id, load.GetTagItem("checkpointing.checkpoint_id"));
        Assert.Equal(1L, load.GetTagItem("checkpointing.step"));
        Assert.Equal(1, recover.GetTagItem("checkpointing.skipped"));
        var skipped = Assert.Single(recover.Events);
        Assert.Equal("checkpointing.checkpoint_skipped", skipped.Name);
        var tags = skipped.Tags.ToDictionary(t => t.Key, t => t.Value);
        Assert.Equal(Path.GetFileName(newer.FilePath), tags["checkpointing.file_name"]);
        Assert.Equal(loaded!.Skipped[0].Reason, tags["checkpointing.reason"]);
        Assert.Equal(loaded.Skipped[0].QuarantinedTo, tags["checkpointing.quarantined_to"]);
    }

    [Fact]
    public void LoadLatest_NoValidCheckpoint_LoadAndRecoverSpansFailWithCorruptErrorType()
    {
        using (var writer = _run.Open())
        {
            var only = writer.Save(new TelemetryState("only", 1), step: 1);
            File.WriteAllBytes(only.FilePath, [1, 2, 3]);
        }

        using var manager = _run.Open();
        Assert.Throws<CheckpointCorruptException>(() => manager.LoadLatest<TelemetryState>());

        var spans = Mine();
        foreach (var name in new[] { "checkpointing.load", "checkpointing.recover" })
        {
            var span = Assert.Single(spans, a => a.OperationName == name);
            Assert.Equal(ActivityStatusCode.Error, span.Status);
            Assert.Equal(typeof(CheckpointCorruptException).FullName, span.GetTagItem("error.type"));
        }
    }

    private List<Activity> Mine() => [.. _stopped.Where(a => Equals(a.GetTagItem("checkpointing.run"), _run.Name))];
}
