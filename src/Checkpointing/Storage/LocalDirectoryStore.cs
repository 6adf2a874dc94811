using System.Diagnostics;
using System.Globalization;
using System.Text;
using Checkpointing.Interop;

namespace Checkpointing.Storage;

/// <summary>
/// A run directory on a local file system. Publishing follows the only protocol that survives a
/// power cut: write a temp file in the same directory, fsync it, rename it to its final name
/// without replacing anything, fsync the directory.
/// </summary>
internal sealed class LocalDirectoryStore : ICheckpointStore
{
    public const string CheckpointExtension = ".ckpt";
    public const string TempMarker = TemporaryFiles.Marker;
    public const string QuarantineDirectoryName = "quarantine";
    public const string LockFileName = "writer.lock";

    private readonly IFileSystem _fs;
    private readonly bool _skipFileSync;
    private readonly bool _skipDirectorySync;

    // The run directory held open for the operations of every save (Linux): create the temp file,
    // rename it, fsync the directory, delete what retention drops, each by name instead of by path and
    // without opening the directory again. Opened by the first of them, closed when the writer lock
    // is released; without it the same operations go by path.
    private readonly Lock _directoryGate = new();
    private IDirectory? _directory;
    private bool _directoryClosed;

    // The writer lock this store took, checked before each publish: a takeover fences it.
    private HeldWriterLock? _writerLock;

    public LocalDirectoryStore(string directory, IFileSystem? fileSystem = null, LocalStoreFaults faults = LocalStoreFaults.None)
    {
        Directory = directory;
        _fs = fileSystem ?? PosixFileSystem.Instance;
        _skipFileSync = faults.HasFlag(LocalStoreFaults.SkipFileSync);
        _skipDirectorySync = faults.HasFlag(LocalStoreFaults.SkipDirectorySync);
        WriteInPlace = faults.HasFlag(LocalStoreFaults.WriteInPlace);
    }

    public string Directory { get; }

    public string Location => Directory;

    /// <summary>The file system this store works through, for files kept beside the checkpoints (a study's journal).</summary>
    internal IFileSystem FileSystem => _fs;

    private bool WriteInPlace { get; }

    public bool Exists => _fs.DirectoryExists(Directory);

    public void EnsureCreated() => StorageErrors.Guard("create the run directory", Directory, () => _fs.CreateDirectoryDurable(Directory), StorageErrors.NothingCreated);

    /// <summary>Fails with a storage error naming the directory when this process cannot write in it (permissions, read-only mount).</summary>
    public void EnsureWritable() => Guard("write in the run directory", Directory, () => _fs.CheckWritableDirectory(Directory));

    public IReadOnlyList<FileEntry> ListCheckpointFiles()
    {
        if (!_fs.DirectoryExists(Directory))
        {
            return [];
        }

        // A loop, not LINQ: this runs in a process's first save, where every generic instantiation is compiled.
        var result = new List<FileEntry>();
        foreach (var f in Guard("list", Directory, () => _fs.ListFiles(Directory)))
        {
            if (f.Name.EndsWith(CheckpointExtension, StringComparison.Ordinal) && !f.Name.Contains(TempMarker, StringComparison.Ordinal))
            {
                result.Add(f);
            }
        }

        return result;
    }

    public IReadableFile OpenRead(string fileName)
    {
        var path = Path.Combine(Directory, fileName);
        try
        {
            return _fs.OpenRead(path);
        }
        catch (FileNotFoundException ex)
        {
            throw new CheckpointNotFoundException($"Checkpoint file '{path}' does not exist (it may have been removed by retention or by another tool).") { Source = ex.Source };
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw StorageError("read", path, ex);
        }
    }

    public IPendingCheckpointFile CreatePending(string fileName)
    {
        var finalPath = Path.Combine(Directory, fileName);
        if (WriteInPlace)
        {
            var inPlace = Guard("create", finalPath, () => _fs.CreateNew(finalPath));
            return new PendingFile(this, inPlace, fileName, finalPath, fileName, finalPath);
        }

        var tempName = TemporaryFiles.NameFor(fileName, unique: true);
        var tempPath = Path.Combine(Directory, tempName);

        // Claimed before it exists, so that no writer of this process opening the run (after a takeover) removes it.
        TemporaryFiles.Claim(tempPath);
        var file = GuardReleasing(tempPath, () =>
        {
            if (OpenDirectory() is { } directory)
            {
                try
                {
                    return directory.CreateNew(tempName);
                }
                catch (ObjectDisposedException)
                {
                    // Closed with the writer lock meanwhile: by path, as without a handle.
                }
            }

            return _fs.CreateNew(tempPath);
        });
        return new PendingFile(this, file, tempName, tempPath, fileName, finalPath);
    }

    public bool Delete(string fileName, bool durable = true)
    {
        var path = Path.Combine(Directory, fileName);
        if (!Guard("delete", path, () =>
            {
                if (OpenDirectory() is { } directory)
                {
                    try
                    {
                        return directory.DeleteIfExists(fileName);
                    }
                    catch (ObjectDisposedException)
                    {
                        // Closed with the writer lock meanwhile: by path, as without a handle.
                    }
                }

                return _fs.DeleteIfExists(path);
            }))
        {
            return false;
        }

        if (durable)
        {
            Guard("fsync directory", Directory, () => SyncDirectory(Directory));
        }

        return true;
    }

    public string Quarantine(string fileName, string reason)
    {
        var quarantineDir = Path.Combine(Directory, QuarantineDirectoryName);
        Guard("create quarantine directory", quarantineDir, () => _fs.CreateDirectoryDurable(quarantineDir));
        var source = Path.Combine(Directory, fileName);
        var target = Path.Combine(quarantineDir, fileName);
        for (var n = 1; _fs.FileExists(target); n++)
        {
            target = Path.Combine(quarantineDir, $"{fileName}.{n}");
        }

        Guard("quarantine", source, () => _fs.RenameNoReplace(source, target));
        var note = Encoding.UTF8.GetBytes($"{DateTimeOffset.UtcNow:O} quarantined by pid {Environment.ProcessId}: {reason}\n");
        try
        {
            using var noteFile = _fs.CreateNew(target + ".reason.txt");
            noteFile.Append(note);
        }
        catch (IOException)
        {
            // The note is a courtesy; the move itself is what protects the run.
        }

        Guard("fsync directory", Directory, () =>
        {
            SyncDirectory(quarantineDir);
            SyncDirectory(Directory);
        });
        return target;
    }

    /// <summary>
    /// Removes temp files left by writes that never published, except those a live process may still be writing: a
    /// temp name carries its writer's process id (FORMAT.md §8), and a file of a live process on this host other than
    /// this one (a writer taken over and still finishing its save, a concurrent takeover's new lock file), or one this
    /// process is writing, stays. When a crashed writer's id has been reused by an unrelated process, its file stays
    /// too, until an open after that process is gone.
    /// </summary>
    public int RemoveTemporaryFiles()
    {
        if (!_fs.DirectoryExists(Directory))
        {
            return 0;
        }

        var removed = 0;
        foreach (var entry in Guard("list", Directory, () => _fs.ListFiles(Directory)))
        {
            if (entry.Name.Contains(TempMarker, StringComparison.Ordinal)
                && !TemporaryFiles.MayBeInUse(entry.Name, Path.Combine(Directory, entry.Name), IsAlive))
            {
                Guard("delete", entry.Name, () => _fs.Delete(Path.Combine(Directory, entry.Name)));
                removed++;
            }
        }

        if (removed > 0)
        {
            Guard("fsync directory", Directory, () => SyncDirectory(Directory));
        }

        return removed;
    }

    private static readonly TimeSpan HolderWait = TimeSpan.FromSeconds(2);

    public IWriterLock AcquireWriterLock(bool takeOver = false, Func<PublishedCheckpoints>? published = null)
    {
        var path = Path.Combine(Directory, LockFileName);
        WriterRecord? successor = null;
        string Record(string previous)
        {
            // Under the lock: no writer publishes while the checkpoints are looked at (but one fenced, see FORMAT.md §9).
            successor = WriterRecord.Parse(previous).Successor(Environment.ProcessId, Environment.MachineName, fencedAtStep: null, published?.Invoke() ?? default);
            return successor.Format(DateTimeOffset.UtcNow);
        }

        string? holder = null;
        var (pid, host) = ((int?)null, (string?)null);
        var started = Stopwatch.GetTimestamp();
        while (true)
        {
            var handle = Guard("lock", path, () => _fs.TryLock(path, Record, out holder));
            if (handle is not null)
            {
                return Hold(handle, successor!);
            }

            // A holder records itself just after it locks, over whatever a dead holder left (Linux reads
            // the real holder from the kernel instead). Until the holder is known to be a live process,
            // we may be looking at that moment, so look again for a while.
            (pid, host) = ParseHolder(holder);
            if (Stopwatch.GetElapsedTime(started) > HolderWait || (pid is int p && host is not null && (host != Environment.MachineName || IsAlive(p))))
            {
                break;
            }

            Thread.Sleep(2);
        }

        if (takeOver)
        {
            return TakeOver(path, published);
        }

        var who = pid is null ? "another process (it has not recorded its pid yet)" : $"process {pid} on host '{host}'";
        throw new CheckpointLockedException(
            $"The run at '{Directory}' is already open for writing by {who}. Only one writer per run is allowed: " +
            "stop the other process, or open this run read-only to list and load checkpoints " +
            "(or, when that holder is known to be gone but its lock is not, take the run over with CheckpointOptions.TakeOverLock).",
            pid,
            host);
    }

    /// <summary>
    /// Takes the run from a holder that still has its lock (a paused process, a lease that expired on a
    /// shared file system): a new lock file replaces the old one, and a fence at the newest published
    /// step makes anything the old holder publishes late stale.
    /// </summary>
    private HeldWriterLock TakeOver(string path, Func<PublishedCheckpoints>? published)
    {
        var fencedAtStep = HighestPublishedStep();
        var checkpoints = published?.Invoke() ?? default;
        WriterRecord? successor = null;
        var handle = Guard("take over the lock", path, () => _fs.TakeOverLock(path, previous =>
        {
            successor = WriterRecord.Parse(previous).Successor(Environment.ProcessId, Environment.MachineName, fencedAtStep, checkpoints);
            return successor.Format(DateTimeOffset.UtcNow);
        }));

        try
        {
            // The old holder owned the run until the new lock file was in place, and may have published up to
            // then: the fence covers what is there now. Only what it publishes after this is late.
            var publishedBeforeSwap = HighestPublishedStep();
            if (publishedBeforeSwap > fencedAtStep)
            {
                successor = successor!.WithLastFenceAt(publishedBeforeSwap);
                var record = successor.Format(DateTimeOffset.UtcNow);
                Guard("write the writer record", path, () => handle.Rewrite(record));
            }
        }
        catch
        {
            handle.Dispose();
            throw;
        }

        return Hold(handle, successor!);
    }

    private long HighestPublishedStep()
    {
        var highest = 0L;
        foreach (var entry in ListCheckpointFiles())
        {
            if (CheckpointFileName.TryParse(entry.Name, out var name) && name is not null && name.Step > highest)
            {
                highest = name.Step;
            }
        }

        return highest;
    }

    private HeldWriterLock Hold(IFileLock handle, WriterRecord record)
    {
        var held = new HeldWriterLock(this, handle, record);
        Volatile.Write(ref _writerLock, held);
        return held;
    }

    /// <summary>The run's writer record as the lock file has it now: its generation and the fences of past takeovers.</summary>
    public WriterRecord ReadWriterRecord()
    {
        var path = Path.Combine(Directory, LockFileName);
        // No lock file (a run never opened for writing, or copied without it) reads as empty: no fences.
        return WriterRecord.Parse(Guard("read the writer record", path, () => _fs.ReadLockRecord(path)));
    }

    /// <summary>Throws <see cref="CheckpointFencedException"/> when the writer lock this store holds was taken over.</summary>
    private void ThrowIfFenced(bool whilePublishing = false)
    {
        if (Volatile.Read(ref _writerLock) is { } held && !Guard("check the writer lock", Directory, held.IsStillAtPath))
        {
            var current = WriterRecord.Parse(held.ReadCurrentRecord());
            throw new CheckpointFencedException(
                $"This writer (generation {held.Generation}) no longer owns the run at '{Directory}': " +
                $"{(current.ProcessId is null ? "another process" : $"process {current.ProcessId} on host '{current.Host}'")} took its lock over " +
                $"(generation {current.Generation}). " +
                (whilePublishing
                    ? "It did so while this save was being published: the file was written, and is either the new owner's to use or skipped as published late. "
                    : "Nothing was published or deleted by this operation. ") +
                "Stop this process: the new owner carries the run on.",
                held.Generation,
                current.Generation,
                current.ProcessId,
                current.Host);
        }
    }

    private static bool IsAlive(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException)
        {
            return false;
        }
        catch (PlatformNotSupportedException)
        {
            return true;
        }
    }

    internal static (int? Pid, string? Host) ParseHolder(string? text)
    {
        int? pid = null;
        string? host = null;
        foreach (var line in (text ?? string.Empty).Split('\n'))
        {
            if (line.StartsWith("pid=", StringComparison.Ordinal) && int.TryParse(line.AsSpan(4), NumberStyles.None, CultureInfo.InvariantCulture, out var p))
            {
                pid = p;
            }
            else if (line.StartsWith("host=", StringComparison.Ordinal))
            {
                host = line[5..];
            }
        }

        return (pid, host);
    }

    private void SyncDirectory(string path)
    {
        if (_skipDirectorySync)
        {
            return;
        }

        if (ReferenceEquals(path, Directory) && OpenDirectory() is { } directory)
        {
            try
            {
                directory.Sync();
                return;
            }
            catch (ObjectDisposedException)
            {
                // Closed with the writer lock meanwhile: by path, as without a handle.
            }
        }

        _fs.SyncDirectory(path);
    }

    /// <summary>Renames a file of this directory without replacing anything, by name through the open directory when there is one.</summary>
    private void RenameNoReplace(string sourceName, string sourcePath, string destinationName, string destinationPath)
    {
        if (OpenDirectory() is { } directory)
        {
            try
            {
                directory.RenameNoReplace(sourceName, destinationName);
                return;
            }
            catch (ObjectDisposedException)
            {
                // Closed with the writer lock meanwhile: by path, as without a handle.
            }
        }

        _fs.RenameNoReplace(sourcePath, destinationPath);
    }

    /// <summary>The run directory held open, opening it on first use; null without one (other platforms, test file systems, after the writer lock's release).</summary>
    private IDirectory? OpenDirectory()
    {
        if (Volatile.Read(ref _directory) is { } open)
        {
            return open;
        }

        lock (_directoryGate)
        {
            if (_directory is null && !_directoryClosed)
            {
                try
                {
                    _directory = _fs.OpenDirectory(Directory);
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                {
                    // Not there (yet) or not readable: the operation goes by path and reports the problem itself.
                }

                _directoryClosed = _directory is null; // no handle here: do not try again for every operation
            }

            return _directory;
        }
    }

    private void CloseDirectory()
    {
        lock (_directoryGate)
        {
            _directoryClosed = true;
            _directory?.Dispose();
            _directory = null;
        }
    }

    private static T Guard<T>(string operation, string path, Func<T> action) => StorageErrors.Guard(operation, path, action);

    /// <summary>Creates the temp file at <paramref name="tempPath"/>; when that fails, this process no longer claims it.</summary>
    private static IWritableFile GuardReleasing(string tempPath, Func<IWritableFile> create)
    {
        try
        {
            return Guard("create", tempPath, create);
        }
        catch
        {
            TemporaryFiles.Release(tempPath);
            throw;
        }
    }

    private static void Guard(string operation, string path, Action action) => StorageErrors.Guard(operation, path, action);

    internal static CheckpointStorageException StorageError(string operation, string path, Exception ex) => StorageErrors.From(operation, path, ex);

    /// <summary>The writer lock; releasing it also closes the run directory held open for saves.</summary>
    private sealed class HeldWriterLock(LocalDirectoryStore store, IFileLock fileLock, WriterRecord record) : IWriterLock
    {
        public long Generation => record.Generation;

        public WriterRecord Record => record;

        public bool IsStillAtPath() => fileLock.IsStillAtPath();

        public string ReadCurrentRecord() => fileLock.ReadCurrentRecord();

        public void ThrowIfFenced() => store.ThrowIfFenced();

        public void Dispose()
        {
            Interlocked.CompareExchange(ref store._writerLock, null, this);
            store.CloseDirectory();
            fileLock.Dispose();
        }
    }

    private sealed class PendingFile(LocalDirectoryStore store, IWritableFile file, string tempName, string tempPath, string finalName, string finalPath) : IPendingCheckpointFile
    {
        private bool _published;
        private bool _closed;

        public long Length => file.Length;

        public void Append(ReadOnlySpan<byte> data)
        {
            try
            {
                file.Append(data);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw StorageError("write", tempPath, ex);
            }
        }

        public void Publish()
        {
            Debug.Assert(!_published, "Publish is called once.");
            if (!store._skipFileSync)
            {
                Guard("fsync", tempPath, file.Sync);
            }

            // Last moment before the file becomes visible: a writer whose run was taken over publishes nothing.
            store.ThrowIfFenced();

            Close();
            if (!ReferenceEquals(tempPath, finalPath))
            {
                try
                {
                    Guard("rename into place", finalPath, () => store.RenameNoReplace(tempName, tempPath, finalName, finalPath));
                }
                catch (CheckpointStorageException)
                {
                    // Taken over between the check and the rename: the new owner's open removed this temp file
                    // (ENOENT) or published the same name (EEXIST). Say so rather than report a storage fault.
                    store.ThrowIfFenced();
                    throw;
                }
            }

            _published = true;
            try
            {
                store.SyncDirectory(store.Directory);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // The rename may or may not survive a power cut; do not let a checkpoint of
                // unknown durability become "latest". Take it back out (best effort).
                TryDelete(finalPath);
                throw StorageError("fsync the directory after publishing", store.Directory, ex);
            }

            // Taken over while publishing: the new owner may have found this file (then it is the run's) or
            // not (then readers skip it as published late). Either way this writer must not go on as if it owned the run.
            store.ThrowIfFenced(whilePublishing: true);
        }

        public void Dispose()
        {
            try
            {
                Close();
                if (!_published)
                {
                    TryDelete(tempPath);
                }
            }
            finally
            {
                TemporaryFiles.Release(tempPath);
            }
        }

        private void Close()
        {
            if (!_closed)
            {
                _closed = true;
                file.Dispose();
            }
        }

        private void TryDelete(string path)
        {
            try
            {
                store._fs.Delete(path);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // Left for RemoveTemporaryFiles on the next open.
            }
        }
    }
}
