using Checkpointing.Interop;
using Checkpointing.Storage;

namespace Checkpointing.Tests.Storage;

/// <summary>The messages of storage errors: the path once, the errno by name, and what to do about it.</summary>
public sealed class StorageErrorsTests
{
    private const string TempPath = "/data/run/checkpoint_step_3_20260101_000000.ckpt.tmp-1-abc";

    [Fact]
    public void From_EnospcOnWrite_NamesPathAndErrnoOnceAndAdvisesFreeingSpace()
    {
        var ex = StorageErrors.From("write", TempPath, PosixFileSystem.Failure("write", TempPath, Errno.ENOSPC));

        Assert.Equal(Errno.ENOSPC, ex.Errno);
        Assert.True(ex.IsTransient);
        Assert.StartsWith($"Could not write '{TempPath}': ENOSPC (no space left on device). Free some space", ex.Message, StringComparison.Ordinal);
        Assert.Single(ex.Message.Split(TempPath).Skip(1));
        Assert.EndsWith(StorageErrors.CheckpointsKept, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void From_EnospcInTheJournal_DoesNotAdviseKeepingFewerCheckpoints()
    {
        var ex = StorageErrors.From("write (journal)", "/data/run/journal/segment_1.log", PosixFileSystem.Failure("write", "/data/run/journal/segment_1.log", Errno.ENOSPC), StorageErrors.RecordsKept);

        Assert.Contains("Free some space on that file system and try again.", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("KeepLastN", ex.Message, StringComparison.Ordinal);
        Assert.EndsWith(StorageErrors.RecordsKept, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void From_EaccesCreatingTheRunDirectory_SaysNothingWasCreatedAndNoReadOnlyOpen()
    {
        var ex = StorageErrors.From("create the run directory", "/data/run", new UnauthorizedAccessException("Access to the path '/data/run' is denied."), StorageErrors.NothingCreated);

        Assert.Equal(Errno.EACCES, ex.Errno);
        Assert.Contains("(chown or chmod)", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("ReadOnly", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(StorageErrors.CheckpointsKept, ex.Message, StringComparison.Ordinal);
        Assert.EndsWith(StorageErrors.NothingCreated, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void From_ErofsOnWrite_AdvisesRemountOrReadOnlyOpen()
    {
        var ex = StorageErrors.From("write in the run directory", "/data/run", PosixFileSystem.Failure("open for writing", "/data/run", Errno.EROFS));

        Assert.Equal(Errno.EROFS, ex.Errno);
        Assert.False(ex.IsTransient);
        Assert.Contains("EROFS (read-only file system)", ex.Message, StringComparison.Ordinal);
        Assert.Contains("remount it read-write", ex.Message, StringComparison.Ordinal);
        Assert.Contains("CheckpointOptions.ReadOnly = true", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void From_EaccesOnWrite_AdvisesPermissionsAndReadOnlyOpen()
    {
        var ex = StorageErrors.From("create", TempPath, PosixFileSystem.Failure("create", TempPath, Errno.EACCES));

        Assert.Equal(Errno.EACCES, ex.Errno);
        Assert.Contains("EACCES (permission denied)", ex.Message, StringComparison.Ordinal);
        Assert.Contains("(chown or chmod)", ex.Message, StringComparison.Ordinal);
        Assert.Contains("(uid ", ex.Message, StringComparison.Ordinal);
        Assert.Contains("CheckpointOptions.ReadOnly = true", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void From_UnauthorizedAccessOnRead_AdvisesReadAccessNotReadOnlyOpen()
    {
        const string path = "/data/run/checkpoint_step_2_20260101_000000.ckpt";
        var ex = StorageErrors.From("read", path, new UnauthorizedAccessException($"Access to the path '{path}' is denied."));

        Assert.Equal(Errno.EACCES, ex.Errno);
        Assert.StartsWith($"Could not read '{path}': EACCES (permission denied). Give the user this process runs as", ex.Message, StringComparison.Ordinal);
        Assert.Contains("read access", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("ReadOnly", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void From_MessageAboutAnotherPath_KeepsItAndAddsTheErrnoName()
    {
        var ex = StorageErrors.From("create the run directory", "/data/run", new UnauthorizedAccessException("Access to the path '/data' is denied."));

        Assert.StartsWith("Could not create the run directory '/data/run': Access to the path '/data' is denied: EACCES (permission denied). ", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CheckWritableDirectory_MissingDirectory_ThrowsWithErrno()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        var missing = Path.Combine(Path.GetTempPath(), "ckpt-missing-" + Guid.NewGuid().ToString("N"));
        var ex = Assert.Throws<FileSystemIOException>(() => PosixFileSystem.Instance.CheckWritableDirectory(missing));
        Assert.Equal(Errno.ENOENT, ex.Errno);
    }

    [Fact]
    public void CheckWritableDirectory_WritableDirectory_DoesNothing()
    {
        PosixFileSystem.Instance.CheckWritableDirectory(Path.GetTempPath());
    }
}
