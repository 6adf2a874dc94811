using Checkpointing.Storage;

namespace Checkpointing.Tests.Journaling;

/// <summary>
/// Passes everything to an inner file system, but can hold the next fsync of an appended file until the test releases
/// it, and counts those fsyncs: a deterministic way to have commits queue up behind one in progress.
/// </summary>
internal sealed class GatedFileSystem(IFileSystem inner) : IFileSystem
{
    private readonly ManualResetEventSlim _release = new(initialState: true);
    private readonly ManualResetEventSlim _entered = new(initialState: false);
    private int _syncs;

    /// <summary>fsyncs of files opened with <see cref="OpenAppend"/> that completed.</summary>
    public int AppendedFileSyncs => Volatile.Read(ref _syncs);

    /// <summary>Makes the next fsync of an appended file wait until <see cref="Release"/>.</summary>
    public void HoldNextSync()
    {
        _entered.Reset();
        _release.Reset();
    }

    /// <summary>Waits until an fsync is being held.</summary>
    public bool WaitUntilHeld(TimeSpan timeout) => _entered.Wait(timeout);

    public void Release() => _release.Set();

    public bool DirectoryExists(string path) => inner.DirectoryExists(path);

    public void CreateDirectoryDurable(string path) => inner.CreateDirectoryDurable(path);

    public bool FileExists(string path) => inner.FileExists(path);

    public IWritableFile CreateNew(string path) => inner.CreateNew(path);

    public IReadableFile OpenRead(string path) => inner.OpenRead(path);

    public IWritableFile OpenAppend(string path) => new GatedFile(this, inner.OpenAppend(path));

    public IReadOnlyList<FileEntry> ListFiles(string directory) => inner.ListFiles(directory);

    public void RenameNoReplace(string source, string destination) => inner.RenameNoReplace(source, destination);

    public void Delete(string path) => inner.Delete(path);

    public void SyncDirectory(string path) => inner.SyncDirectory(path);

    public IFileLock? TryLock(string path, Func<string, string> record, out string? currentHolder) => inner.TryLock(path, record, out currentHolder);

    public string ReadLockRecord(string path) => inner.ReadLockRecord(path);

    public IFileLock TakeOverLock(string path, Func<string, string> record) => inner.TakeOverLock(path, record);

    private void BeforeSync()
    {
        if (!_release.IsSet)
        {
            _entered.Set();
            _release.Wait();
        }
    }

    private sealed class GatedFile(GatedFileSystem owner, IWritableFile file) : IWritableFile
    {
        public long Length => file.Length;

        public void Append(ReadOnlySpan<byte> data) => file.Append(data);

        public void Truncate(long length) => file.Truncate(length);

        public void Sync()
        {
            owner.BeforeSync();
            file.Sync();
            Interlocked.Increment(ref owner._syncs);
        }

        public void SyncData()
        {
            owner.BeforeSync();
            file.SyncData();
            Interlocked.Increment(ref owner._syncs);
        }

        public void Dispose() => file.Dispose();
    }
}
