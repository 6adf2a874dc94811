using System.Diagnostics;
using System.Globalization;
using Checkpointing.Diagnostics;
using Checkpointing.RecordLog;
using Checkpointing.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Checkpointing.Journaling;

/// <summary>
/// The append-only journal of a run: checksummed records with sequence numbers 1, 2, 3, … that never go back,
/// kept in segment files under <c>&lt;run&gt;/journal/</c> (docs/FORMAT.md, "Journal segments").
/// <see cref="Append"/> is cheap (the record is buffered in memory); <see cref="Commit"/> and <see cref="CommitAsync"/>
/// make everything appended before them durable, and concurrent committers share one fdatasync (group commit).
/// </summary>
/// <remarks>
/// <para>
/// Opening recovers: a torn or garbage tail of the last segment (what a crash leaves of records that were never
/// committed) is cut off; damage anywhere else keeps every record before it and moves the rest aside, with a
/// warning. Records after damage are never returned.
/// </para>
/// <para>
/// All members are thread-safe. A failed write or fsync is final: the journal accepts nothing more (every later
/// call throws <see cref="CheckpointStorageException"/>); open it again to continue from its last committed record.
/// </para>
/// <para>
/// Most programs use a journal through <see cref="WorkList"/> or <see cref="JournaledState{TState, TEvent}"/>,
/// which add snapshots and compaction.
/// </para>
/// </remarks>
public sealed class Journal : IDisposable, IAsyncDisposable
{
    /// <summary>The name of the journal's directory inside the run directory.</summary>
    public const string DirectoryName = "journal";

    /// <summary>The largest payload of one record: 16 MiB.</summary>
    public const int MaxPayloadLength = RecordFraming.MaxPayloadLength;

    internal const long MinSegmentBytes = 4096;
    internal const long MaxSegmentBytes = 1L << 40;
    private const int InitialBufferSize = 64 << 10;
    private const int FlushThreshold = 1 << 20;

    private readonly CheckpointManager _manager;
    private readonly IFileSystem _fs;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly long _segmentBytes;
    private readonly Lock _appendLock = new();
    private readonly object _io = new();
    private readonly List<CommitWaiter> _waiters = [];
    private readonly List<long> _segments;
    private IWritableFile? _active;
    private bool _activeHasRecords;
    private bool _activeDirty;
    private byte[] _buffer = new byte[InitialBufferSize];
    private byte[] _spare = new byte[InitialBufferSize];
    private int _bufferLength;
    private long _lastSequence;
    private long _writtenSequence;
    private long _committedSequence;
    private volatile CheckpointStorageException? _failure;
    private volatile bool _disposed;
    private bool _ioOwned;
    private int _syncWaiting;
    private long _parkedFor;
    private long _parkCount;

    private Journal(CheckpointManager manager, IFileSystem fs, string directory, JournalOptions options, ILogger logger, TimeProvider time, Recovery recovery)
    {
        _manager = manager;
        _fs = fs;
        Directory = directory;
        _logger = logger;
        _time = time;
        _segmentBytes = options.SegmentBytes;
        _segments = recovery.Segments;
        _lastSequence = _writtenSequence = _committedSequence = recovery.NextSequence - 1;
        _activeHasRecords = recovery.ActiveHasRecords;
        var activePath = SegmentPath(_segments[^1]);
        _active = SegmentFile.Guard("open", activePath, () => fs.OpenAppend(activePath));
        Recovered = recovery.Damage;
    }

    /// <summary>The full path of the journal's directory, <c>&lt;run&gt;/journal</c>.</summary>
    public string Directory { get; }

    /// <summary>The sequence number of the last appended record (0 when the journal has never held one).</summary>
    public long LastSequence => Volatile.Read(ref _lastSequence);

    /// <summary>The sequence number of the last durable record: every record up to it survives a crash.</summary>
    public long CommittedSequence => Volatile.Read(ref _committedSequence);

    /// <summary>The sequence number of the first record still in the journal (after compaction, later than 1).</summary>
    public long FirstSequence
    {
        get
        {
            lock (_segments)
            {
                return _segments[0];
            }
        }
    }

    /// <summary>How many segment files the journal has now.</summary>
    public int SegmentCount
    {
        get
        {
            lock (_segments)
            {
                return _segments.Count;
            }
        }
    }

    /// <summary>What opening found: bytes cut and files moved aside. Empty when the journal was intact.</summary>
    internal JournalDamage Recovered { get; }

    /// <summary>
    /// Opens the journal of the manager's run, creating it on first use, and recovers it (see the remarks on <see cref="Journal"/>).
    /// One journal per run may be open at a time; dispose it before opening another.
    /// </summary>
    /// <param name="manager">A writable (not read-only) manager: its writer lock keeps other processes out of the journal.</param>
    /// <param name="options">Settings; null uses the defaults.</param>
    /// <exception cref="InvalidOperationException">The manager is read-only, or this run's journal is already open.</exception>
    /// <exception cref="ArgumentException">An option is out of range.</exception>
    /// <exception cref="CheckpointVersionException">A segment was written by a newer, incompatible library; nothing was changed.</exception>
    /// <exception cref="CheckpointStorageException">The file system failed.</exception>
    public static Journal Open(CheckpointManager manager, JournalOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(manager);
        ObjectDisposedException.ThrowIf(manager.IsDisposed, manager);
        options ??= new JournalOptions();
        Validate(options);
        if (manager.IsReadOnly)
        {
            throw new InvalidOperationException(
                $"The manager for '{manager.ProcessType}/{manager.Name}' was opened read-only; a journal needs the run's writer lock. Open the manager without CheckpointOptions.ReadOnly.");
        }

        if (!manager.TryClaimJournal())
        {
            throw new InvalidOperationException(
                $"The journal of '{manager.ProcessType}/{manager.Name}' is already open in this process (a WorkList, JournaledState or Journal that was not disposed). Dispose it first.");
        }

        try
        {
            var time = options.TimeProvider ?? manager.TimeProvider;
            var logger = (options.LoggerFactory ?? manager.LoggerFactory ?? NullLoggerFactory.Instance).CreateLogger<Journal>();
            var fs = manager.FileSystem;
            var directory = Path.Combine(manager.RunDirectory, DirectoryName);
            SegmentFile.Guard("create the journal directory", directory, () => fs.CreateDirectoryDurable(directory));
            var recovery = Recover(fs, directory, time, logger);
            return new Journal(manager, fs, directory, options, logger, time, recovery);
        }
        catch
        {
            manager.ReleaseJournal();
            throw;
        }
    }

    /// <summary>
    /// Deletes the run's journal (every segment, and files moved aside after damage) for a deliberate fresh
    /// start; pair it with <see cref="CheckpointManager.DeleteAll"/>, which deletes the snapshots. Returns false
    /// when the run has no journal.
    /// </summary>
    /// <exception cref="InvalidOperationException">The manager is read-only, or a journal of this run is open in this process.</exception>
    /// <exception cref="CheckpointStorageException">A file could not be deleted.</exception>
    public static bool Delete(CheckpointManager manager)
    {
        ArgumentNullException.ThrowIfNull(manager);
        ObjectDisposedException.ThrowIf(manager.IsDisposed, manager);
        if (manager.IsReadOnly)
        {
            throw new InvalidOperationException($"The manager for '{manager.ProcessType}/{manager.Name}' was opened read-only; deleting the journal needs the run's writer lock.");
        }

        if (!manager.TryClaimJournal())
        {
            throw new InvalidOperationException($"The journal of '{manager.ProcessType}/{manager.Name}' is open in this process; dispose it before deleting it.");
        }

        try
        {
            var fs = manager.FileSystem;
            var directory = Path.Combine(manager.RunDirectory, DirectoryName);
            if (!fs.DirectoryExists(directory))
            {
                return false;
            }

            manager.ThrowIfFenced();

            foreach (var file in SegmentFile.Guard("list the journal", directory, () => fs.ListFiles(directory)))
            {
                var path = Path.Combine(directory, file.Name);
                SegmentFile.Guard("delete", path, () => fs.Delete(path));
            }

            SegmentFile.Guard("fsync the journal directory", directory, () => fs.SyncDirectory(directory));
            return true;
        }
        finally
        {
            manager.ReleaseJournal();
        }
    }

    /// <summary>
    /// Reads the run's journal without changing it or taking any lock, verifying every record of every segment, and
    /// says what a writer opening it would find: records, torn tails and damage (see <see cref="JournalFileHealth"/>).
    /// Works with a read-only manager and while another process writes the run (its newest segment may then show a
    /// torn tail that is an append in progress). Returns null when the run has no journal.
    /// </summary>
    /// <exception cref="CheckpointVersionException">A segment was written by a newer, incompatible library.</exception>
    /// <exception cref="CheckpointStorageException">A file could not be read.</exception>
    public static JournalInspection? Inspect(CheckpointManager manager)
    {
        ArgumentNullException.ThrowIfNull(manager);
        ObjectDisposedException.ThrowIf(manager.IsDisposed, manager);
        var fs = manager.FileSystem;
        var directory = Path.Combine(manager.RunDirectory, DirectoryName);
        return SegmentFile.Guard("check", directory, () => fs.DirectoryExists(directory)) ? JournalInspector.Inspect(fs, directory) : null;
    }

    /// <summary>
    /// Adds a record and returns its sequence number (the previous one + 1). The record is buffered, not durable:
    /// call <see cref="Commit"/> or <see cref="CommitAsync"/> before acting on it. Copies the payload; allocates nothing per call.
    /// </summary>
    /// <exception cref="ArgumentException">The payload is longer than <see cref="MaxPayloadLength"/>.</exception>
    /// <exception cref="CheckpointStorageException">The journal failed earlier, or writing out a full buffer failed.</exception>
    /// <exception cref="ObjectDisposedException">The journal or its manager was disposed.</exception>
    public long Append(ReadOnlySpan<byte> payload)
    {
        if (payload.Length > MaxPayloadLength)
        {
            throw new ArgumentException($"A journal record holds at most {MaxPayloadLength} bytes; this one has {payload.Length}.", nameof(payload));
        }

        long sequence;
        bool full;
        lock (_appendLock)
        {
            ThrowIfUnusable();
            var size = RecordFraming.Overhead + payload.Length;
            if (_bufferLength + size > _buffer.Length)
            {
                Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, _bufferLength + size));
            }

            sequence = _lastSequence + 1;
            RecordFraming.Write(_buffer.AsSpan(_bufferLength, size), sequence, payload);
            _bufferLength += size;
            Volatile.Write(ref _lastSequence, sequence);
            full = _bufferLength >= FlushThreshold;
        }

        if (full)
        {
            AcquireIo(target: null);
            Exception? error = null;
            try
            {
                WriteBuffered();
            }
            catch (Exception ex)
            {
                error = ex;
                throw;
            }
            finally
            {
                ReleaseIo(error);
            }
        }

        return sequence;
    }

    /// <summary>
    /// Makes every record appended before the call durable (write + fdatasync), then returns. Returns at once when they
    /// already are. When several threads commit at the same time, one fdatasync covers all of them.
    /// </summary>
    /// <exception cref="CheckpointStorageException">The write or fdatasync failed; the journal accepts nothing more (open it again). Records committed earlier are intact; the records of the failed commit may or may not be there when the journal is opened again (after a failed fdatasync their bytes can still be in the page cache), as after a crash.</exception>
    /// <exception cref="ObjectDisposedException">The journal or its manager was disposed.</exception>
    public void Commit()
    {
        var target = Volatile.Read(ref _lastSequence);
        if (Volatile.Read(ref _committedSequence) >= target)
        {
            return;
        }

        if (!AcquireIo(target))
        {
            return;
        }

        Exception? error = null;
        try
        {
            CommitRound();
        }
        catch (Exception ex)
        {
            error = ex;
            throw;
        }
        finally
        {
            ReleaseIo(error);
        }
    }

    /// <summary>
    /// Like <see cref="Commit"/>, but waits asynchronously for a commit in progress: concurrent callers share one
    /// fdatasync (group commit). Cancelling stops the wait only; the records stay appended and become durable with the next commit.
    /// </summary>
    /// <exception cref="CheckpointStorageException">The write or fdatasync failed; the journal accepts nothing more (open it again). Records committed earlier are intact; the records of the failed commit may or may not be there when the journal is opened again (after a failed fdatasync their bytes can still be in the page cache), as after a crash.</exception>
    /// <exception cref="OperationCanceledException">Cancelled while waiting; whether the records are durable is then unknown.</exception>
    public ValueTask CommitAsync(CancellationToken cancellationToken = default)
    {
        var target = Volatile.Read(ref _lastSequence);
        if (Volatile.Read(ref _committedSequence) >= target)
        {
            return ValueTask.CompletedTask;
        }

        CommitWaiter? waiter = null;
        lock (_io)
        {
            if (Volatile.Read(ref _committedSequence) >= target)
            {
                return ValueTask.CompletedTask;
            }

            if (cancellationToken.IsCancellationRequested)
            {
                return ValueTask.FromCanceled(cancellationToken);
            }

            if (!TakeIoLocked())
            {
                waiter = new CommitWaiter(target);
                _waiters.Add(waiter);
                if (cancellationToken.CanBeCanceled)
                {
                    waiter.Registration = cancellationToken.Register(static (state, token) => ((CommitWaiter)state!).TrySetCanceled(token), waiter);
                }
            }
        }

        if (waiter is not null)
        {
            return new ValueTask(waiter.Task);
        }

        // Nobody was writing: this caller does the round itself, for itself and whoever queues meanwhile.
        Exception? error = null;
        try
        {
            CommitRound();
        }
        catch (Exception ex)
        {
            error = ex;
        }

        ReleaseIo(error);
        return error is null ? ValueTask.CompletedTask : ValueTask.FromException(error);
    }

    /// <summary>
    /// The records with a sequence number greater than <paramref name="sequence"/>, in order, each verified as it is read
    /// (records appended but not committed are included). Read lazily: do not delete segments while enumerating.
    /// </summary>
    /// <param name="sequence">Return the records after this one; 0 for all.</param>
    /// <exception cref="CheckpointCorruptException">Records after <paramref name="sequence"/> were compacted away, or a segment changed on disk since the journal was opened.</exception>
    public IEnumerable<JournalRecord> ReadAfter(long sequence)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(sequence);
        ObjectDisposedException.ThrowIf(_disposed, this);
        long[] segments;
        long end;
        AcquireIo(target: null);
        Exception? error = null;
        try
        {
            if (_failure is null)
            {
                WriteBuffered();
            }

            lock (_segments)
            {
                segments = [.. _segments];
            }

            end = _writtenSequence;
        }
        catch (Exception ex)
        {
            error = ex;
            throw;
        }
        finally
        {
            ReleaseIo(error);
        }

        if (sequence < end && segments[0] > sequence + 1)
        {
            throw new CheckpointCorruptException(
                $"The journal '{Directory}' starts at record {segments[0]}, so records {sequence + 1} to {segments[0] - 1} cannot be read: they were compacted away or lost. " +
                "A snapshot that covers them is needed to recover.",
                Directory)
            { Reason = "journal records missing" };
        }

        return Read(segments, sequence, end);
    }

    /// <summary>
    /// Compaction: deletes the segment files whose records all have sequence numbers up to <paramref name="sequence"/>,
    /// oldest first, and returns how many were deleted. The segment being written is never deleted.
    /// Only call it for records a durable snapshot covers.
    /// </summary>
    /// <exception cref="CheckpointStorageException">A delete failed; the segments before it are gone, the rest are kept.</exception>
    public int DeleteSegmentsThrough(long sequence)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        AcquireIo(target: null);
        try
        {
            var deleted = 0;
            try
            {
                _manager.ThrowIfFenced();
                while (_segments.Count > 1 && _segments[1] - 1 <= sequence)
                {
                    var path = SegmentPath(_segments[0]);
                    SegmentFile.Guard("delete", path, () => _fs.Delete(path));
                    lock (_segments)
                    {
                        _segments.RemoveAt(0);
                    }

                    deleted++;
                }
            }
            finally
            {
                if (deleted > 0)
                {
                    SegmentFile.Guard("fsync directory", Directory, () => _fs.SyncDirectory(Directory));
                    Log.JournalCompacted(_logger, deleted, sequence);
                }
            }

            return deleted;
        }
        finally
        {
            ReleaseIo(error: null);
        }
    }

    /// <summary>
    /// Commits what was appended (unless the journal failed, or its manager was disposed first and no longer holds the run's
    /// writer lock) and closes the segment file. Never throws for storage errors; they are logged.
    /// </summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        AcquireIo(target: null);
        DisposeCore();
    }

    /// <summary>Like <see cref="Dispose"/> (a commit in progress is waited for synchronously: it is one fsync).</summary>
    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }

    /// <summary>Starts a new segment at the next sequence number (after committing), so that what came before can be compacted as a whole.</summary>
    internal void StartNewSegment()
    {
        AcquireIo(target: null);
        Exception? error = null;
        try
        {
            CommitRound();
            if (_activeHasRecords)
            {
                Run("start a new segment", () => Roll(_writtenSequence + 1));
            }
        }
        catch (Exception ex)
        {
            error = ex;
            throw;
        }
        finally
        {
            ReleaseIo(error);
        }
    }

    /// <summary>
    /// Makes the next record's sequence number greater than <paramref name="sequence"/> when the journal ends before it (its records
    /// were lost, or deleted by hand, after a snapshot covering <paramref name="sequence"/> was saved): the old segments, all covered
    /// by that snapshot, are moved aside, so sequence numbers never repeat one the snapshot covers.
    /// </summary>
    internal void ContinueAfter(long sequence, string snapshotId)
    {
        AcquireIo(target: null);
        try
        {
            ThrowIfUnusable();
            if (sequence <= _lastSequence)
            {
                return;
            }

            CommitRound();
            var last = _lastSequence;
            Run("continue after a snapshot", () =>
            {
                _active?.Dispose();
                _active = null;
                MoveAside(_fs, Directory, _segments, SegmentFile.SupersededSuffix, _time);
                SegmentFile.Create(_fs, Directory, sequence + 1);
                lock (_segments)
                {
                    _segments.Clear();
                    _segments.Add(sequence + 1);
                }

                var path = SegmentPath(sequence + 1);
                _active = _fs.OpenAppend(path);
                _activeHasRecords = false;
                _activeDirty = false;
                lock (_appendLock)
                {
                    _lastSequence = _writtenSequence = sequence;
                    Volatile.Write(ref _committedSequence, sequence);
                }
            });
            Log.JournalBehindSnapshot(_logger, Directory, last, snapshotId, sequence, sequence + 1);
        }
        finally
        {
            ReleaseIo(error: null);
        }
    }

    private static void Validate(JournalOptions options)
    {
        if (options.SegmentBytes is < MinSegmentBytes or > MaxSegmentBytes)
        {
            throw new ArgumentException($"JournalOptions.SegmentBytes is {options.SegmentBytes}; it must be between {MinSegmentBytes} and {MaxSegmentBytes}.", nameof(options));
        }
    }

    private static Recovery Recover(IFileSystem fs, string directory, TimeProvider time, ILogger logger)
    {
        var entries = SegmentFile.Guard("list", directory, () => fs.ListFiles(directory));
        var leftovers = entries.Where(e => e.Name.StartsWith(SegmentFile.Prefix, StringComparison.Ordinal) && e.Name.EndsWith(SegmentFile.NewFileSuffix, StringComparison.Ordinal)).ToList();
        foreach (var leftover in leftovers)
        {
            var path = Path.Combine(directory, leftover.Name);
            SegmentFile.Guard("delete", path, () => fs.Delete(path));
        }

        if (leftovers.Count > 0)
        {
            SegmentFile.Guard("fsync directory", directory, () => fs.SyncDirectory(directory));
        }

        var bases = new List<long>();
        foreach (var entry in entries)
        {
            if (SegmentFile.TryParse(entry.Name, out var first))
            {
                bases.Add(first);
            }
        }

        bases.Sort();
        var kept = new List<long>();
        var next = bases.Count > 0 ? bases[0] : 1;
        var activeHasRecords = false;
        var damage = JournalDamage.None;
        for (var i = 0; i < bases.Count; i++)
        {
            var first = bases[i];
            var path = Path.Combine(directory, SegmentFile.Name(first));
            if (kept.Count > 0 && first != next)
            {
                var moved = MoveAside(fs, directory, bases.GetRange(i, bases.Count - i), SegmentFile.DamagedSuffix, time);
                damage = Report(logger, damage, path, $"it starts at record {first}, but the segment before it ends at record {next - 1} (a segment is missing or out of place)", next - 1, 0, moved);
                break;
            }

            var scan = SegmentFile.Scan(fs, path, first);
            if (!scan.HeaderValid)
            {
                var moved = MoveAside(fs, directory, bases.GetRange(i, bases.Count - i), SegmentFile.DamagedSuffix, time);
                damage = Report(logger, damage, path, "it does not start with a journal segment header", next - 1, 0, moved);
                break;
            }

            kept.Add(first);
            next = scan.NextSequence;
            activeHasRecords = scan.NextSequence > first;
            if (scan.ValidLength == scan.FileLength)
            {
                continue;
            }

            var isLast = i == bases.Count - 1;
            var aside = new List<string>();
            if (!isLast || scan.TailHasValidRecords)
            {
                aside.Add(SaveTail(fs, path, scan.ValidLength, scan.FileLength, time));
            }

            if (!isLast)
            {
                aside.AddRange(MoveAside(fs, directory, bases.GetRange(i + 1, bases.Count - i - 1), SegmentFile.DamagedSuffix, time));
            }

            using (var file = SegmentFile.Guard("open", path, () => fs.OpenAppend(path)))
            {
                SegmentFile.Guard("truncate", path, () => file.Truncate(scan.ValidLength));
                SegmentFile.Guard("fsync", path, file.Sync);
            }

            var cut = scan.FileLength - scan.ValidLength;
            if (aside.Count == 0)
            {
                Log.JournalTornTailCut(logger, cut, path, next - 1);
                damage = damage with { CutBytes = damage.CutBytes + cut };
            }
            else
            {
                damage = Report(logger, damage, path, $"the record after {next - 1} (at offset {scan.ValidLength}) is damaged, and valid records follow it", next - 1, cut, aside);
            }

            if (!isLast)
            {
                break;
            }
        }

        if (kept.Count == 0)
        {
            SegmentFile.Create(fs, directory, next);
            kept.Add(next);
            activeHasRecords = false;
        }

        return new Recovery(kept, next, activeHasRecords, damage);
    }

    private static JournalDamage Report(ILogger logger, JournalDamage damage, string path, string reason, long lastKept, long cut, IReadOnlyList<string> movedAside)
    {
        Log.JournalDamaged(logger, path, reason, lastKept, movedAside.Count == 0 ? "nothing" : string.Join(", ", movedAside));
        return new JournalDamage(damage.CutBytes + cut, [.. damage.MovedAside, .. movedAside], reason);
    }

    /// <summary>Renames segment files to <c>&lt;name&gt;&lt;suffix&gt;&lt;UTC time&gt;</c>, oldest first, then fsyncs the directory; returns the new paths.</summary>
    private static List<string> MoveAside(IFileSystem fs, string directory, IReadOnlyList<long> segments, string suffix, TimeProvider time)
    {
        var stamp = Stamp(time);
        var moved = new List<string>();
        foreach (var first in segments)
        {
            var path = Path.Combine(directory, SegmentFile.Name(first));
            var target = FreeName(fs, path + suffix + stamp);
            SegmentFile.Guard("rename", path, () => fs.RenameNoReplace(path, target));
            moved.Add(target);
        }

        if (moved.Count > 0)
        {
            SegmentFile.Guard("fsync directory", directory, () => fs.SyncDirectory(directory));
        }

        return moved;
    }

    /// <summary>Copies the bytes from <paramref name="from"/> to the end of a segment, durably, to <c>&lt;segment&gt;.damaged-&lt;UTC time&gt;</c>.</summary>
    private static string SaveTail(IFileSystem fs, string path, long from, long length, TimeProvider time)
    {
        var copyPath = FreeName(fs, path + SegmentFile.DamagedSuffix + Stamp(time));
        var chunk = new byte[(int)Math.Min(1 << 20, Math.Max(length - from, 1))];
        using (var source = SegmentFile.Guard("open", path, () => fs.OpenRead(path)))
        using (var copy = SegmentFile.Guard("create", copyPath, () => fs.CreateNew(copyPath)))
        {
            for (var offset = from; offset < length;)
            {
                var at = offset;
                var want = (int)Math.Min(chunk.Length, length - offset);
                var got = SegmentFile.Guard("read", path, () => source.ReadAt(at, chunk.AsSpan(0, want)));
                if (got == 0)
                {
                    break;
                }

                SegmentFile.Guard("write", copyPath, () => copy.Append(chunk.AsSpan(0, got)));
                offset += got;
            }

            SegmentFile.Guard("fsync", copyPath, copy.Sync);
        }

        var directory = Path.GetDirectoryName(path)!;
        SegmentFile.Guard("fsync directory", directory, () => fs.SyncDirectory(directory));
        return copyPath;
    }

    private static string FreeName(IFileSystem fs, string candidate)
    {
        var name = candidate;
        for (var n = 1; SegmentFile.Guard("check", name, () => fs.FileExists(name)); n++)
        {
            name = candidate + "-" + n.ToString(CultureInfo.InvariantCulture);
        }

        return name;
    }

    private static string Stamp(TimeProvider time) => time.GetUtcNow().ToString("yyyyMMdd_HHmmss_fff", CultureInfo.InvariantCulture);

    /// <summary>
    /// Takes the I/O for a synchronous caller: when nobody has it, when it is parked for a queued <see cref="ServeWaiters"/>
    /// (taken over, so that no blocked thread ever waits for the thread pool), or after the owner releases it.
    /// With a <paramref name="target"/> (a commit), returns false instead once that sequence is durable and nobody needs serving.
    /// </summary>
    private bool AcquireIo(long? target)
    {
        lock (_io)
        {
            while (true)
            {
                var satisfied = target is long t && Volatile.Read(ref _committedSequence) >= t;
                if (satisfied && (_ioOwned || _waiters.Count == 0))
                {
                    return false;
                }

                if (TakeIoLocked())
                {
                    return true;
                }

                _syncWaiting++;
                try
                {
                    Monitor.Wait(_io);
                }
                finally
                {
                    _syncWaiting--;
                }
            }
        }
    }

    /// <summary>Under the I/O monitor: takes the I/O when it is free or parked; false when another thread is using it.</summary>
    private bool TakeIoLocked()
    {
        if (!_ioOwned)
        {
            _ioOwned = true;
            return true;
        }

        if (_parkedFor != 0)
        {
            _parkedFor = 0;
            return true;
        }

        return false;
    }

    /// <summary>
    /// Gives the I/O up: completes the waiters the last round made durable (or fails them all after an error), then hands
    /// the I/O to a synchronous waiter, or parks it for a thread-pool round that serves the remaining asynchronous waiters.
    /// </summary>
    private void ReleaseIo(Exception? error)
    {
        List<(CommitWaiter Waiter, bool Done)>? finished = null;
        long park = 0;
        lock (_io)
        {
            var committed = Volatile.Read(ref _committedSequence);
            var failure = error ?? (Exception?)_failure ?? (_disposed ? new ObjectDisposedException(nameof(Journal)) : null);
            for (var i = _waiters.Count - 1; i >= 0; i--)
            {
                var waiter = _waiters[i];
                if (waiter.Target <= committed || failure is not null || waiter.Task.IsCompleted)
                {
                    (finished ??= []).Add((waiter, waiter.Target <= committed));
                    _waiters.RemoveAt(i);
                }
            }

            if (_waiters.Count > 0 && _syncWaiting == 0)
            {
                park = _parkedFor = ++_parkCount;
            }
            else
            {
                _ioOwned = false;
                if (_syncWaiting > 0)
                {
                    Monitor.PulseAll(_io);
                }
            }

            if (finished is not null)
            {
                foreach (var (waiter, done) in finished)
                {
                    waiter.Registration.Dispose();
                    if (done)
                    {
                        waiter.TrySetResult();
                    }
                    else
                    {
                        waiter.TrySetException(error ?? _failure ?? (Exception)new ObjectDisposedException(nameof(Journal)));
                    }
                }
            }
        }

        if (park != 0)
        {
            ThreadPool.UnsafeQueueUserWorkItem(static state => state.Journal.ServeWaiters(state.Park), (Journal: this, Park: park), preferLocal: false);
        }
    }

    /// <summary>A thread-pool commit round for asynchronous waiters left when the I/O was released; does nothing when a synchronous caller took the I/O over meanwhile.</summary>
    private void ServeWaiters(long park)
    {
        lock (_io)
        {
            if (_parkedFor != park)
            {
                return;
            }

            _parkedFor = 0;
        }

        Exception? error = null;
        try
        {
            CommitRound();
        }
        catch (Exception ex)
        {
            error = ex;
        }

        ReleaseIo(error);
    }

    /// <summary>With the I/O: writes the buffer out and fdatasyncs; everything appended before the buffer was taken is then durable.</summary>
    private void CommitRound()
    {
        ThrowIfUnusable();
        var started = _manager.Telemetry.GetTimestamp();
        WriteBuffered();
        if (_activeDirty)
        {
            Run("fdatasync", () => _active!.SyncData());
            _activeDirty = false;

            // Taken over while writing: these records may sit in the new owner's segment; do not report them committed.
            _manager.ThrowIfFenced();
            _manager.Telemetry.JournalCommitted(started);
        }

        Volatile.Write(ref _committedSequence, _writtenSequence);
    }

    /// <summary>With the I/O: writes the buffered records to the active segment (no fsync), first starting a new segment when the active one is full.</summary>
    private void WriteBuffered()
    {
        byte[] batch;
        int length;
        long last;
        lock (_appendLock)
        {
            if (_bufferLength == 0)
            {
                return;
            }

            // A writer whose run was taken over must not append: the new owner writes these segments now.
            _manager.ThrowIfFenced();

            ThrowIfUnusable();
            batch = _buffer;
            length = _bufferLength;
            last = _lastSequence;
            _buffer = _spare.Length >= InitialBufferSize && _spare.Length <= 4 * FlushThreshold ? _spare : new byte[InitialBufferSize];
            _bufferLength = 0;
            _spare = batch;
        }

        Run("write", () =>
        {
            if (_activeHasRecords && _active!.Length >= _segmentBytes)
            {
                Roll(_writtenSequence + 1);
            }

            _active!.Append(batch.AsSpan(0, length));
            _activeHasRecords = true;
            _activeDirty = true;
            _writtenSequence = last;
        });
    }

    /// <summary>With the I/O: fdatasyncs the active segment and continues in a new one whose first record is <paramref name="first"/>.</summary>
    private void Roll(long first)
    {
        if (_activeDirty)
        {
            _active!.SyncData();
            _activeDirty = false;
            Volatile.Write(ref _committedSequence, _writtenSequence);
        }

        _manager.ThrowIfFenced();
        SegmentFile.Create(_fs, Directory, first);
        var path = SegmentPath(first);
        var next = _fs.OpenAppend(path);
        _active!.Dispose();
        _active = next;
        lock (_segments)
        {
            _segments.Add(first);
        }

        _activeHasRecords = false;
    }

    /// <summary>Runs a file operation; any failure makes the journal unusable and is rethrown as a <see cref="CheckpointStorageException"/>.</summary>
    private void Run(string operation, Action action)
    {
        try
        {
            action();
        }
        catch (Exception ex)
        {
            var error = ex as CheckpointStorageException
                ?? (ex is IOException or UnauthorizedAccessException or InvalidOperationException
                    ? StorageErrors.From(operation + " (journal)", SegmentPath(_segments[^1]), ex, StorageErrors.RecordsKept)
                    : null);
            _failure = error ?? new CheckpointStorageException($"The journal '{Directory}' failed ({operation}): {ex.Message}", isTransient: false, ex);
            Log.JournalFailed(_logger, ex, Directory, operation);
            if (error is null)
            {
                throw;
            }

            throw error;
        }
    }

    private IEnumerable<JournalRecord> Read(long[] segments, long after, long end)
    {
        for (var i = 0; i < segments.Length && after < end; i++)
        {
            var first = segments[i];
            var last = i + 1 < segments.Length ? segments[i + 1] - 1 : end;
            if (last <= after)
            {
                continue;
            }

            var path = SegmentPath(first);
            using var file = SegmentFile.Guard("open", path, () => _fs.OpenRead(path));
            using var cursor = new SegmentCursor(file, path, first);
            var reached = first - 1;
            while (reached < last && cursor.MoveNext())
            {
                reached = cursor.Sequence;
                if (reached > after)
                {
                    yield return new JournalRecord(reached, cursor.Payload.ToArray());
                }
            }

            if (reached < last)
            {
                throw new CheckpointCorruptException(
                    $"The journal segment '{path}' ends at record {reached} (offset {cursor.Offset}), but held records through {last} when the journal was opened: it changed on disk, or its storage is failing.",
                    path)
                { Reason = "journal segment changed" };
            }
        }
    }

    private void DisposeCore()
    {
        try
        {
            if (_disposed)
            {
                return;
            }

            if (_failure is null && !_manager.IsDisposed)
            {
                try
                {
                    CommitRound();
                }
                catch (CheckpointException ex)
                {
                    Log.JournalDisposeFailed(_logger, ex);
                }
            }

            _disposed = true;
            _active?.Dispose();
            _active = null;
            _manager.ReleaseJournal();
        }
        finally
        {
            ReleaseIo(error: null);
        }
    }

    private void ThrowIfUnusable()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_manager.IsDisposed)
        {
            throw new ObjectDisposedException(
                nameof(CheckpointManager),
                $"The CheckpointManager of the journal '{Directory}' was disposed, which released the run's writer lock; the journal accepts nothing more.");
        }

        if (_failure is { } failure)
        {
            throw new CheckpointStorageException(
                $"The journal '{Directory}' failed earlier ({failure.Message}) and accepts no more records; open it again to continue from its last committed record ({CommittedSequence}).",
                isTransient: false,
                failure);
        }
    }

    private string SegmentPath(long first) => Path.Combine(Directory, SegmentFile.Name(first));

    private sealed record Recovery(List<long> Segments, long NextSequence, bool ActiveHasRecords, JournalDamage Damage);

    /// <summary>An asynchronous committer waiting for <see cref="Target"/> to be durable.</summary>
    private sealed class CommitWaiter(long target) : TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)
    {
        public long Target { get; } = target;

        public CancellationTokenRegistration Registration { get; set; }
    }
}
