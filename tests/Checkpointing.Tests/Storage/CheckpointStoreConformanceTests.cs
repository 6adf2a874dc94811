using System.Text;
using Checkpointing.Storage;

namespace Checkpointing.Tests.Storage;

/// <summary>
/// What every <see cref="ICheckpointStore"/> must do, run against each implementation by a subclass
/// that supplies a fresh, empty run location per test.
/// </summary>
public abstract class CheckpointStoreConformanceTests
{
    private const string Name1 = "checkpoint_step_1_20250301_120000.ckpt";
    private const string Name2 = "checkpoint_step_2_20250301_120100.ckpt";

    /// <summary>A store over this test's run location; each call is a separate instance, as another process would open it.</summary>
    private protected abstract ICheckpointStore OpenStore();

    /// <summary>Every file name at the run location, including temporary ones (not including subfolders).</summary>
    private protected abstract IReadOnlyList<string> AllFileNames();

    /// <summary>What the exit of a process that wrote through these stores does: none of the files it was writing is in use any more.</summary>
    private protected abstract void WriterProcessExited();

    /// <summary>The bytes at a location returned by <see cref="ICheckpointStore.Quarantine"/>, or null when nothing is there.</summary>
    private protected abstract byte[]? ReadQuarantined(string location);

    /// <summary>The reason recorded next to a quarantined file.</summary>
    private protected abstract string? ReadQuarantineReason(string location);

    [Fact]
    public void Publish_NewFile_IsListedWithItsLengthAndReadsBack()
    {
        var store = OpenStore();
        var data = Payload(5000, 3);

        Publish(store, Name1, data);

        var entry = Assert.Single(store.ListCheckpointFiles());
        Assert.Equal(new FileEntry(Name1, data.Length), entry);
        Assert.Equal(data, ReadAll(store, Name1));
    }

    [Fact]
    public void CreatePending_BeforePublish_IsNotListed()
    {
        var store = OpenStore();
        using var pending = store.CreatePending(Name1);
        pending.Append(Payload(100, 1));

        Assert.Empty(store.ListCheckpointFiles());
        Assert.Empty(OpenStore().ListCheckpointFiles());
        Assert.Equal(100, pending.Length);
    }

    [Fact]
    public void DisposePending_WithoutPublish_LeavesNothing()
    {
        var store = OpenStore();
        using (var pending = store.CreatePending(Name1))
        {
            pending.Append(Payload(100, 1));
        }

        Assert.Empty(store.ListCheckpointFiles());
        Assert.DoesNotContain(AllFileNames(), n => n.Contains(".ckpt", StringComparison.Ordinal));
        Assert.Equal(0, store.RemoveTemporaryFiles());
    }

    [Fact]
    public void Publish_NameAlreadyPublished_ThrowsAndKeepsFirstContent()
    {
        var store = OpenStore();
        var first = Payload(300, 1);
        Publish(store, Name1, first);

        using (var second = store.CreatePending(Name1))
        {
            second.Append(Payload(200, 9));
            Assert.Throws<CheckpointStorageException>(second.Publish);
        }

        Assert.Equal(new FileEntry(Name1, first.Length), Assert.Single(store.ListCheckpointFiles()));
        Assert.Equal(first, ReadAll(store, Name1));
        Assert.Equal(0, store.RemoveTemporaryFiles());
    }

    [Fact]
    public void Delete_MissingFile_ReturnsFalse()
    {
        var store = OpenStore();
        Publish(store, Name1, Payload(10, 1));

        Assert.False(store.Delete(Name2));
        Assert.Single(store.ListCheckpointFiles());
    }

    [Fact]
    public void Delete_PublishedFile_ReturnsTrueAndUnlistsOnlyIt()
    {
        var store = OpenStore();
        Publish(store, Name1, Payload(10, 1));
        Publish(store, Name2, Payload(20, 2));

        Assert.True(store.Delete(Name1));

        Assert.Equal([Name2], store.ListCheckpointFiles().Select(f => f.Name));
        Assert.Throws<CheckpointNotFoundException>(() => store.OpenRead(Name1));
    }

    [Fact]
    public void OpenRead_MissingFile_ThrowsNotFound()
    {
        Assert.Throws<CheckpointNotFoundException>(() => OpenStore().OpenRead(Name1));
    }

    [Fact]
    public void Quarantine_PublishedFile_MovesItIntactWithTheReasonBesideIt()
    {
        var store = OpenStore();
        var data = Payload(700, 5);
        Publish(store, Name1, data);

        var location = store.Quarantine(Name1, "the trailer checksum does not match");

        Assert.Empty(store.ListCheckpointFiles());
        Assert.Equal(data, ReadQuarantined(location));
        Assert.Contains("the trailer checksum does not match", ReadQuarantineReason(location), StringComparison.Ordinal);
    }

    [Fact]
    public void Quarantine_SameNameTwice_KeepsBothCopies()
    {
        var store = OpenStore();
        var first = Payload(100, 1);
        var second = Payload(200, 2);
        Publish(store, Name1, first);
        var firstLocation = store.Quarantine(Name1, "first");
        Publish(store, Name1, second);

        var secondLocation = store.Quarantine(Name1, "second");

        Assert.NotEqual(firstLocation, secondLocation);
        Assert.Equal(first, ReadQuarantined(firstLocation));
        Assert.Equal(second, ReadQuarantined(secondLocation));
    }

    [Fact]
    public void RemoveTemporaryFiles_WriteAbandonedByDeadWriter_RemovesItAndKeepsPublished()
    {
        var published = Payload(50, 1);
        var writer = OpenStore();
        Publish(writer, Name1, published);
        var abandoned = writer.CreatePending(Name2);
        abandoned.Append(Payload(4096, 2));
        WriterProcessExited();

        var next = OpenStore();
        var removed = next.RemoveTemporaryFiles();

        Assert.Equal(1, removed);
        Assert.Equal([Name1], AllFileNames().Where(n => n.Contains(".ckpt", StringComparison.Ordinal)));
        Assert.Equal(published, ReadAll(next, Name1));
        Assert.Equal(0, next.RemoveTemporaryFiles());
        abandoned.Dispose();
    }

    [Fact]
    public void AcquireWriterLock_WhileHeld_ThrowsLockedNamingPidAndHost()
    {
        using var held = OpenStore().AcquireWriterLock();

        var ex = Assert.Throws<CheckpointLockedException>(() => OpenStore().AcquireWriterLock());

        Assert.Equal(Environment.ProcessId, ex.HolderProcessId);
        Assert.Equal(Environment.MachineName, ex.HolderHost);
        Assert.Contains(Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture), ex.Message, StringComparison.Ordinal);
        Assert.Contains(Environment.MachineName, ex.Message, StringComparison.Ordinal);
        Assert.True(ex.IsTransient);
    }

    [Fact]
    public void AcquireWriterLock_AfterRelease_Succeeds()
    {
        var store = OpenStore();
        store.AcquireWriterLock().Dispose();

        using var again = OpenStore().AcquireWriterLock();

        Assert.Throws<CheckpointLockedException>(() => store.AcquireWriterLock());
    }

    [Fact]
    public void PublishAndDelete_WhileLockedAndAfterRelease_BothWork()
    {
        // The local store works by name in its directory held open while a writer holds the lock, and by path otherwise.
        var store = OpenStore();
        var writerLock = store.AcquireWriterLock();
        Publish(store, Name1, Payload(10, 1));
        Assert.True(store.Delete(Name1));
        Assert.False(store.Delete(Name1, durable: false));
        writerLock.Dispose();

        Publish(store, Name2, Payload(20, 2));
        Assert.True(store.Delete(Name2, durable: false));
        Publish(store, Name1, Payload(30, 3));

        Assert.Equal([new FileEntry(Name1, 30)], store.ListCheckpointFiles());
        Assert.Equal(0, store.RemoveTemporaryFiles());
    }

    [Fact]
    public void Publish_StartedBeforeLockRelease_CompletesAfterIt()
    {
        var store = OpenStore();
        var writerLock = store.AcquireWriterLock();
        using (var pending = store.CreatePending(Name1))
        {
            pending.Append(Payload(10, 1));
            writerLock.Dispose();
            pending.Publish();
        }

        Assert.Equal([new FileEntry(Name1, 10)], store.ListCheckpointFiles());
        Assert.Equal(0, store.RemoveTemporaryFiles());
    }

    private protected static byte[] Payload(int size, byte salt) =>
        Enumerable.Range(0, size).Select(i => (byte)((i * 13) + salt)).ToArray();

    private static void Publish(ICheckpointStore store, string name, byte[] data)
    {
        using var pending = store.CreatePending(name);
        pending.Append(data);
        pending.Publish();
    }

    private static byte[] ReadAll(ICheckpointStore store, string name)
    {
        using var file = store.OpenRead(name);
        var buffer = new byte[file.Length];
        Assert.Equal(buffer.Length, file.ReadAt(0, buffer));
        return buffer;
    }

    private protected static string Utf8(byte[]? bytes) => bytes is null ? string.Empty : Encoding.UTF8.GetString(bytes);
}
