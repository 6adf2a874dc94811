using Checkpointing.Storage;

namespace Checkpointing.Tests.Background;

/// <summary>
/// The real file system, except that the fsync of the next checkpoint temp file can be held until the
/// test releases it (so a save is deterministically "in flight": fully written, not yet published) and
/// then let through or failed with an errno. Directory fsyncs can be held the same way.
/// </summary>
internal sealed class HeldFileSystem(IFileSystem inner) : IFileSystem
{
    private readonly Lock _lock = new();
    private readonly List<Gate> _gates = [];
    private Gate? _nextTempSync;
    private Gate? _nextDirectorySync;
    private int? _failNextTempSync;
    private int _tempSyncs;

    public HeldFileSystem()
        : this(PosixFileSystem.Instance)
    {
    }

    /// <summary>Checkpoint temp files fsynced so far (successfully or not).</summary>
    public int TempSyncs => Volatile.Read(ref _tempSyncs);

    /// <summary>The next fsync of a checkpoint temp file waits at the returned gate.</summary>
    public Gate HoldNextTempSync()
    {
        lock (_lock)
        {
            _nextTempSync = new Gate();
            _gates.Add(_nextTempSync);
            return _nextTempSync;
        }
    }

    /// <summary>The next directory fsync waits at the returned gate.</summary>
    public Gate HoldNextDirectorySync()
    {
        lock (_lock)
        {
            _nextDirectorySync = new Gate();
            _gates.Add(_nextDirectorySync);
            return _nextDirectorySync;
        }
    }

    /// <summary>The next fsync of a checkpoint temp file fails at once with <paramref name="errno"/>.</summary>
    public void FailNextTempSync(int errno)
    {
        lock (_lock)
        {
            _failNextTempSync = errno;
        }
    }

    /// <summary>Lets every held operation go (so a failed test never leaves a save hanging in Dispose).</summary>
    public void ReleaseAll()
    {
        lock (_lock)
        {
            foreach (var gate in _gates)
            {
                gate.Release();
            }
        }
    }

    public bool DirectoryExists(string path) => inner.DirectoryExists(path);

    public void CreateDirectoryDurable(string path) => inner.CreateDirectoryDurable(path);

    public bool FileExists(string path) => inner.FileExists(path);

    public IWritableFile CreateNew(string path)
    {
        var file = inner.CreateNew(path);
        return path.Contains(LocalDirectoryStore.TempMarker, StringComparison.Ordinal) ? new TempFile(this, file) : file;
    }

    public IReadableFile OpenRead(string path) => inner.OpenRead(path);

    public IWritableFile OpenAppend(string path) => inner.OpenAppend(path);

    public IReadOnlyList<FileEntry> ListFiles(string directory) => inner.ListFiles(directory);

    public void RenameNoReplace(string source, string destination) => inner.RenameNoReplace(source, destination);

    public void Delete(string path) => inner.Delete(path);

    public void SyncDirectory(string path)
    {
        Gate? gate;
        lock (_lock)
        {
            gate = _nextDirectorySync;
            _nextDirectorySync = null;
        }

        gate?.Pass();
        inner.SyncDirectory(path);
    }

    public IFileLock? TryLock(string path, Func<string, string> record, out string? currentHolder) => inner.TryLock(path, record, out currentHolder);

    public string ReadLockRecord(string path) => inner.ReadLockRecord(path);

    public IFileLock TakeOverLock(string path, Func<string, string> record) => inner.TakeOverLock(path, record);

    private void BeforeTempSync()
    {
        Interlocked.Increment(ref _tempSyncs);
        Gate? gate;
        int? errno;
        lock (_lock)
        {
            gate = _nextTempSync;
            _nextTempSync = null;
            errno = _failNextTempSync;
            _failNextTempSync = null;
        }

        gate?.Pass();
        if (errno is int e)
        {
            throw new FileSystemIOException($"injected fsync failure (errno {e})", e);
        }
    }

    /// <summary>Where one held operation waits; released to go on, or to fail with an errno.</summary>
    internal sealed class Gate
    {
        private static readonly TimeSpan HangGuard = TimeSpan.FromMinutes(2);

        private readonly ManualResetEventSlim _entered = new(initialState: false);
        private readonly ManualResetEventSlim _released = new(initialState: false);
        private int? _failWith;

        public bool IsHeld => _entered.IsSet && !_released.IsSet;

        /// <summary>Blocks until the held operation has reached the gate (with a generous hang guard, never a timing check).</summary>
        public void WaitUntilHeld() => Assert.True(_entered.Wait(HangGuard), "the held operation was never reached");

        public void Release() => _released.Set();

        /// <summary>Lets the held operation fail with <paramref name="errno"/>.</summary>
        public void Fail(int errno)
        {
            _failWith = errno;
            _released.Set();
        }

        internal void Pass()
        {
            _entered.Set();
            _released.Wait();
            if (_failWith is int errno)
            {
                throw new FileSystemIOException($"injected failure (errno {errno})", errno);
            }
        }
    }

    private sealed class TempFile(HeldFileSystem owner, IWritableFile file) : IWritableFile
    {
        public long Length => file.Length;

        public void Append(ReadOnlySpan<byte> data) => file.Append(data);

        public void Truncate(long length) => file.Truncate(length);

        public void Sync()
        {
            owner.BeforeTempSync();
            file.Sync();
        }

        public void SyncData()
        {
            owner.BeforeTempSync();
            file.SyncData();
        }

        public void Dispose() => file.Dispose();
    }
}
