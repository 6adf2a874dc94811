using Checkpointing.Storage;
using Microsoft.Extensions.Time.Testing;

namespace Checkpointing.Tests.Manager;

/// <summary>
/// The real file system, on which each step of a save takes a set time on a <see cref="FakeTimeProvider"/>: creating the
/// temp file (the file work before the manifest), fsyncing it, fsyncing the directory and deleting a checkpoint (retention).
/// </summary>
internal sealed class ClockedFileSystem(FakeTimeProvider time) : IFileSystem
{
    private readonly IFileSystem _inner = PosixFileSystem.Instance;

    public TimeSpan Write { get; init; }

    public TimeSpan FileSync { get; init; }

    public TimeSpan DirectorySync { get; init; }

    public TimeSpan Deletion { get; init; }

    private void Advance(TimeSpan by) => time.Advance(by);

    public bool DirectoryExists(string path) => _inner.DirectoryExists(path);

    public void CreateDirectoryDurable(string path) => _inner.CreateDirectoryDurable(path);

    public bool FileExists(string path) => _inner.FileExists(path);

    public IWritableFile CreateNew(string path)
    {
        var file = _inner.CreateNew(path);
        if (!path.Contains(LocalDirectoryStore.TempMarker, StringComparison.Ordinal))
        {
            return file;
        }

        time.Advance(Write);
        return new TempFile(this, file);
    }

    public IReadableFile OpenRead(string path) => _inner.OpenRead(path);

    public IWritableFile OpenAppend(string path) => _inner.OpenAppend(path);

    public IReadOnlyList<FileEntry> ListFiles(string directory) => _inner.ListFiles(directory);

    public void RenameNoReplace(string source, string destination) => _inner.RenameNoReplace(source, destination);

    public void Delete(string path)
    {
        _inner.Delete(path);
        time.Advance(Deletion);
    }

    public void SyncDirectory(string path)
    {
        _inner.SyncDirectory(path);
        time.Advance(DirectorySync);
    }

    public IFileLock? TryLock(string path, Func<string, string> record, out string? currentHolder) => _inner.TryLock(path, record, out currentHolder);

    public string ReadLockRecord(string path) => _inner.ReadLockRecord(path);

    public IFileLock TakeOverLock(string path, Func<string, string> record) => _inner.TakeOverLock(path, record);

    private sealed class TempFile(ClockedFileSystem owner, IWritableFile file) : IWritableFile
    {
        public long Length => file.Length;

        public void Append(ReadOnlySpan<byte> data) => file.Append(data);

        public void Truncate(long length) => file.Truncate(length);

        public void Sync()
        {
            file.Sync();
            owner.Advance(owner.FileSync);
        }

        public void SyncData()
        {
            file.SyncData();
            owner.Advance(owner.FileSync);
        }

        public void Dispose() => file.Dispose();
    }
}
