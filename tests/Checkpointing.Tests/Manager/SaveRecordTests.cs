using System.Text;
using Checkpointing.Format;
using Checkpointing.Journaling;
using Checkpointing.Storage;
using Checkpointing.Tests.Format;
using Microsoft.Extensions.Time.Testing;

namespace Checkpointing.Tests.Manager;

/// <summary>
/// What a save records about itself in the manifest's optional fields: how long writing took (<c>writeMs</c>), the
/// previous save's full duration (<c>previousSave</c>) and the retention settings in force (<c>retention</c>).
/// </summary>
public sealed class SaveRecordTests : IDisposable
{
    private const string ProcessType = "records";
    private const string RunName = "run";
    private static readonly DateTimeOffset Start = new(2026, 6, 7, 8, 9, 10, TimeSpan.Zero);

    private readonly TempRoot _root = new();
    private readonly FakeTimeProvider _time = new(Start);

    public void Dispose() => _root.Dispose();

    [Fact]
    public void Save_ClockedSteps_RecordsWriteAndPreviousDurationsExactly()
    {
        var fs = new ClockedFileSystem(_time)
        {
            Write = TimeSpan.FromMilliseconds(250),
            FileSync = TimeSpan.FromSeconds(1),
            DirectorySync = TimeSpan.FromMilliseconds(500),
            Deletion = TimeSpan.FromSeconds(2),
        };
        CheckpointMetadata first, second, third;
        using (var manager = new CheckpointManager(ProcessType, RunName, Options(o => o.KeepLastN = 2), fs, LocalStoreFaults.None))
        {
            first = manager.Save(new { n = 1 }, step: 10);
            second = manager.Save(new { n = 2 }, step: 20);
            third = manager.Save(new { n = 3 }, step: 30);
        }

        Assert.Equal(TimeSpan.FromMilliseconds(250), first.WriteDuration);
        Assert.Null(first.PreviousSave);
        Assert.Equal(TimeSpan.FromMilliseconds(250), second.WriteDuration);
        Assert.Equal(new CompletedSave(first.Id, 10, TimeSpan.FromMilliseconds(1750)), second.PreviousSave);

        // The second save's retention deleted nothing (two files); the third's deletes the first, and the fourth would record it.
        Assert.Equal(new CompletedSave(second.Id, 20, TimeSpan.FromMilliseconds(1750)), third.PreviousSave);
        Assert.Equal(
            [(second.Id, second.WriteDuration, second.PreviousSave), (third.Id, third.WriteDuration, third.PreviousSave)],
            ReadBack().Select(m => (m.Id, m.WriteDuration, m.PreviousSave)));
    }

    [Fact]
    public void Save_ThirdSaveAfterRetentionDeleted_PreviousIncludesRetention()
    {
        var fs = new ClockedFileSystem(_time) { Write = TimeSpan.FromMilliseconds(1), Deletion = TimeSpan.FromSeconds(3) };
        using var manager = new CheckpointManager(ProcessType, RunName, Options(o => o.KeepLastN = 1), fs, LocalStoreFaults.None);
        manager.Save(new { n = 1 }, step: 1);
        var second = manager.Save(new { n = 2 }, step: 2);
        var third = manager.Save(new { n = 3 }, step: 3);

        Assert.Equal(TimeSpan.FromMilliseconds(1), third.WriteDuration);
        Assert.Equal(new CompletedSave(second.Id, 2, TimeSpan.FromMilliseconds(3001)), third.PreviousSave);
    }

    [Fact]
    public void Save_RealClock_DurationsAreNonNegativeAndPreviousIsThePriorSave()
    {
        using var manager = new CheckpointManager(ProcessType, RunName, _root.Options(o => o.KeepLastN = null));
        var saved = Enumerable.Range(1, 4).Select(i => manager.Save(new { payload = new string('x', 100_000 * i) }, step: i)).ToList();

        Assert.All(saved, m => Assert.True(m.WriteDuration >= TimeSpan.Zero));
        Assert.Null(saved[0].PreviousSave);
        for (var i = 1; i < saved.Count; i++)
        {
            var previous = saved[i].PreviousSave;
            Assert.NotNull(previous);
            Assert.Equal((saved[i - 1].Id, saved[i - 1].Step), (previous.CheckpointId, previous.Step));

            // The full save includes the write, then fsync, rename and retention.
            Assert.True(previous.Duration >= saved[i - 1].WriteDuration, $"{previous.Duration} < {saved[i - 1].WriteDuration}");
        }

        Assert.Equal(saved.Select(m => (m.WriteDuration, m.PreviousSave)), ReadBack().Select(m => (m.WriteDuration, m.PreviousSave)));
    }

    [Fact]
    public void Save_NewManager_FirstSaveHasNoPrevious()
    {
        using (var manager = Open())
        {
            manager.Save(new { n = 1 }, step: 1);
        }

        using var reopened = Open();
        Assert.Null(reopened.Save(new { n = 2 }, step: 2).PreviousSave);
    }

    [Fact]
    public void Save_FailedSaveBetween_PreviousIsTheLastSaveThatReturned()
    {
        var fs = new Background.HeldFileSystem();
        using var manager = new CheckpointManager(ProcessType, RunName, Options(), fs, LocalStoreFaults.None);
        var first = manager.Save(new { n = 1 }, step: 1);
        fs.FailNextTempSync(Interop.Errno.EIO);
        Assert.Throws<CheckpointStorageException>(() => manager.Save(new { n = 2 }, step: 2));

        var third = manager.Save(new { n = 3 }, step: 3);

        Assert.Equal((first.Id, 1L), (third.PreviousSave!.CheckpointId, third.PreviousSave.Step));
    }

    [Fact]
    public void Save_DefaultOptions_RecordsKeepLastFiveOnly()
    {
        using var manager = Open(o => o.KeepLastN = 5);
        var saved = manager.Save(new { n = 1 }, step: 1);

        var expected = new RetentionSettings(KeepLastN: 5, BestMetric: null, KeepBestN: null, BestMetricMode: null, KeepEvery: null, MaxTotalBytes: null);
        Assert.Equal(expected, saved.Retention);
        Assert.Equal(expected, ReadBack().Single().Retention);
        Assert.Equal(new CheckpointOptions().KeepLastN, expected.KeepLastN);
    }

    [Fact]
    public void Save_EveryRule_RecordsEverySetting()
    {
        using var manager = Open(o =>
        {
            o.KeepLastN = 3;
            o.BestMetric = "accuracy";
            o.KeepBestN = 2;
            o.BestMetricMode = BestMetricMode.Max;
            o.KeepEvery = TimeSpan.FromHours(1.5);
            o.MaxTotalBytes = 1 << 30;
        });
        manager.Save(new { n = 1 }, step: 1, metrics: new Dictionary<string, double> { ["accuracy"] = 0.5 });

        var expected = new RetentionSettings(3, "accuracy", 2, BestMetricMode.Max, TimeSpan.FromHours(1.5), 1 << 30);
        Assert.Equal(expected, ReadBack().Single().Retention);
        var manifest = CheckpointBytes.ManifestOf(File.ReadAllBytes(ReadBack().Single().FilePath));
        Assert.Equal("Max", manifest.Retention!.BestMetricMode);
        Assert.Equal(5_400_000.0, manifest.Retention.KeepEveryMs);
    }

    [Fact]
    public void Save_KeepAll_RecordsAnEmptyRetention()
    {
        using var manager = Open(o => o.KeepLastN = null);
        manager.Save(new { n = 1 }, step: 1);

        Assert.Equal(new RetentionSettings(null, null, null, null, null, null), ReadBack().Single().Retention);
        Assert.Contains("\"retention\":{}", ManifestText(ReadBack().Single().FilePath), StringComparison.Ordinal);
    }

    [Fact]
    public void Save_OptionsChangedAfterOpening_RecordsTheSettingsOfEachSave()
    {
        var options = Options(o => o.KeepLastN = 4);
        using var manager = new CheckpointManager(ProcessType, RunName, options);
        var before = manager.Save(new { n = 1 }, step: 1);
        options.KeepLastN = 7;
        var after = manager.Save(new { n = 2 }, step: 2);

        Assert.Equal((4, 7), (before.Retention!.KeepLastN, after.Retention!.KeepLastN));
    }

    [Fact]
    public void List_ManifestWithoutTheFields_LoadsWithNulls()
    {
        using (var manager = Open())
        {
            manager.Save(new { n = 1 }, step: 1);
        }

        var path = ReadBack().Single().FilePath;
        File.WriteAllBytes(path, CheckpointBytes.WithManifest(File.ReadAllBytes(path), m =>
        {
            m.WriteMs = null;
            m.PreviousSave = null;
            m.Retention = null;
        }));
        Assert.DoesNotContain("writeMs", ManifestText(path), StringComparison.Ordinal);

        using var reader = Open(o => o.ReadOnly = true);
        var metadata = reader.List().Single();
        Assert.Null(metadata.WriteDuration);
        Assert.Null(metadata.PreviousSave);
        Assert.Null(metadata.Retention);
        Assert.Equal(1, reader.LoadLatest<Dictionary<string, int>>()!.State["n"]);
    }

    [Fact]
    public void List_NonsenseValuesAndUnknownFields_ReadAsNotRecordedAndIgnored()
    {
        using (var manager = Open())
        {
            manager.Save(new { n = 1 }, step: 1);
        }

        var path = ReadBack().Single().FilePath;
        var text = ManifestText(path);
        var start = text.IndexOf("\"writeMs\"", StringComparison.Ordinal);
        var end = text.IndexOf(",\"payloadChecksum\"", StringComparison.Ordinal);
        var hostile = text[..start]
            + "\"writeMs\":-5,\"previousSave\":{\"checkpointId\":\"x\",\"step\":1,\"durationMs\":\"NaN\"},"
            + "\"retention\":{\"keepLastN\":2,\"bestMetric\":\"m\",\"bestMetricMode\":\"Median\",\"keepEveryMs\":\"Infinity\",\"someFutureRule\":[1,2]},"
            + "\"someFutureField\":{\"a\":1}"
            + text[end..];
        File.WriteAllBytes(path, CheckpointBytes.WithManifestBytes(File.ReadAllBytes(path), Encoding.UTF8.GetBytes(hostile)));

        using var reader = Open(o => o.ReadOnly = true);
        var metadata = reader.List().Single();
        Assert.Null(metadata.WriteDuration);
        Assert.Null(metadata.PreviousSave);
        Assert.Equal(new RetentionSettings(2, "m", null, null, null, null), metadata.Retention);
        Assert.NotNull(reader.LoadLatest<Dictionary<string, int>>());
    }

    [Fact]
    public async Task SaveInBackground_RecordsTheFieldsAndThePreviousBackgroundSave()
    {
        using var manager = Open(o => o.KeepLastN = 2);
        var first = await (await manager.SaveInBackgroundAsync(new { n = 1 }, step: 1)).Completion;
        var second = await (await manager.SaveInBackgroundAsync(new { n = 2 }, step: 2)).Completion;

        Assert.NotNull(first);
        Assert.NotNull(second);
        Assert.True(first.WriteDuration >= TimeSpan.Zero);
        Assert.Null(first.PreviousSave);
        Assert.Equal((first.Id, 1L), (second.PreviousSave!.CheckpointId, second.PreviousSave.Step));
        Assert.Equal(2, ReadBack()[^1].Retention!.KeepLastN);
        Assert.Equal(second.PreviousSave, ReadBack()[^1].PreviousSave);
    }

    [Fact]
    public void WorkListSnapshot_RecordsTheFields()
    {
        using (var manager = Open(o => o.KeepLastN = 3))
        using (var work = WorkList.Open(manager, ["a", "b"]))
        {
            work.MarkDone("a");
            work.Snapshot();
            work.MarkDone("b");
            work.Snapshot();
        }

        var snapshots = ReadBack().Where(m => m.JournalSequence is not null).ToList();
        Assert.True(snapshots.Count >= 2);
        Assert.All(snapshots, s => Assert.Equal(3, s.Retention!.KeepLastN));
        Assert.All(snapshots, s => Assert.NotNull(s.WriteDuration));
        Assert.Equal((snapshots[^2].Id, snapshots[^2].Step), (snapshots[^1].PreviousSave!.CheckpointId, snapshots[^1].PreviousSave!.Step));
    }

    [Fact]
    public void Duration_OutOfRangeOrNotFinite_IsNull()
    {
        Assert.Null(ManifestExtras.Duration(double.NaN));
        Assert.Null(ManifestExtras.Duration(double.PositiveInfinity));
        Assert.Null(ManifestExtras.Duration(-0.0001));
        Assert.Null(ManifestExtras.Duration(double.MaxValue));
        Assert.Equal(TimeSpan.FromTicks(12_345), ManifestExtras.Duration(1.2345));
        Assert.Equal(TimeSpan.Zero, ManifestExtras.Duration(0));
    }

    private CheckpointOptions Options(Action<CheckpointOptions>? configure = null) => _root.Options(o =>
    {
        o.TimeProvider = _time;
        configure?.Invoke(o);
    });

    private CheckpointManager Open(Action<CheckpointOptions>? configure = null) => new(ProcessType, RunName, Options(configure));

    /// <summary>The run's checkpoints as a fresh read-only manager reads them from disk.</summary>
    private List<CheckpointMetadata> ReadBack()
    {
        using var reader = new CheckpointManager(ProcessType, RunName, _root.Options(o => o.ReadOnly = true));
        return [.. reader.List()];
    }

    private static string ManifestText(string path)
    {
        var bytes = File.ReadAllBytes(path);
        var (offset, length) = CheckpointBytes.ManifestLocation(bytes);
        return Encoding.UTF8.GetString(bytes, (int)offset, length);
    }
}
