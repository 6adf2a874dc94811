using System.Text.Json;
using Checkpointing.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Checkpointing.Journaling;

/// <summary>
/// A durable set of completed keys for a batch of items (series to download, files to convert): mark an item done
/// and it stays done through any crash, at the cost of one journal record, not a rewrite of the whole list.
/// </summary>
/// <remarks>
/// <para>
/// <see cref="MarkDone"/> returns once the completion is durable; concurrent callers share one fdatasync.
/// <see cref="MarkStarted"/> records an intent cheaply (not committed by itself); a started key whose completion was
/// never recorded is listed by <see cref="StartedNotFinished"/> after a restart, so its side effects (a half-written
/// file, a request already sent) can be reconciled.
/// </para>
/// <para>
/// The state is journaled under <c>&lt;run&gt;/journal/</c> and snapshotted as a checkpoint of the run every
/// <see cref="WorkListOptions.SnapshotEvery"/> completions, on <see cref="Snapshot"/> and on dispose; opening loads the
/// newest valid snapshot and replays the records after it. All members are thread-safe.
/// </para>
/// </remarks>
public sealed class WorkList : IDisposable, IAsyncDisposable
{
    // A key's status: 0 until it is started or done.
    private const byte Started = 1;
    private const byte Done = 2;

    private readonly CheckpointManager _manager;
    private readonly Journal _journal;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly int _snapshotEvery;
    private readonly string[] _keys;
    private readonly Dictionary<string, int> _index;
    private readonly byte[] _status;
    private readonly HashSet<int> _inFlight = [];
    private readonly List<string> _startedBefore = [];
    private readonly HashSet<string> _startedBeforeSet = new(StringComparer.Ordinal);
    private readonly HashSet<string> _doneElsewhere = new(StringComparer.Ordinal);
    private readonly HashSet<string> _startedElsewhere = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private readonly long _sessionStart;
    private int _doneCount;
    private int _completedThisSession;
    private long _sinceSnapshot;
    private long _snapshotAt;
    private bool _disposed;

    private WorkList(CheckpointManager manager, Journal journal, string[] keys, Dictionary<string, int> index, WorkListOptions options, ILogger logger, TimeProvider time)
    {
        _manager = manager;
        _journal = journal;
        _keys = keys;
        _index = index;
        _status = new byte[keys.Length];
        _snapshotEvery = options.SnapshotEvery;
        _snapshotAt = options.SnapshotEvery;
        _logger = logger;
        _time = time;
        _sessionStart = time.GetTimestamp();
    }

    /// <summary>How many keys were given to <see cref="Open"/>.</summary>
    public int Total => _keys.Length;

    /// <summary>How many of the keys are durably done.</summary>
    public int DoneCount => Volatile.Read(ref _doneCount);

    /// <summary>How many of the keys are not done yet (<see cref="Total"/> − <see cref="DoneCount"/>).</summary>
    public int PendingCount => Total - DoneCount;

    /// <summary>The keys not done yet, in the order given to <see cref="Open"/> (a copy, made on each call).</summary>
    public IReadOnlyList<string> Pending
    {
        get
        {
            lock (_gate)
            {
                var pending = new List<string>(_keys.Length - _doneCount);
                for (var i = 0; i < _keys.Length; i++)
                {
                    if (_status[i] != Done)
                    {
                        pending.Add(_keys[i]);
                    }
                }

                return pending;
            }
        }
    }

    /// <summary>
    /// Keys started before this <see cref="Open"/> (by an earlier process, or before a crash) whose completion was
    /// never recorded, in the order they were started: reconcile their side effects, then do them again. A key leaves
    /// the list when it is marked done.
    /// </summary>
    public IReadOnlyList<string> StartedNotFinished
    {
        get
        {
            lock (_gate)
            {
                return _startedBefore.Where(k => !_index.TryGetValue(k, out var i) ? !_doneElsewhere.Contains(k) : _status[i] != Done).ToList();
            }
        }
    }

    /// <summary>100 × <see cref="DoneCount"/> / <see cref="Total"/>; 100 for an empty list.</summary>
    public double ProgressPercent => Total == 0 ? 100.0 : 100.0 * DoneCount / Total;

    /// <summary>
    /// The time the pending keys should take at this session's rate (time since <see cref="Open"/> per completion
    /// since then); null before the first completion of this session, zero when nothing is pending.
    /// </summary>
    public TimeSpan? EstimatedRemaining
    {
        get
        {
            lock (_gate)
            {
                var pending = _keys.Length - _doneCount;
                if (pending == 0)
                {
                    return TimeSpan.Zero;
                }

                if (_completedThisSession == 0)
                {
                    return null;
                }

                var elapsed = _time.GetElapsedTime(_sessionStart);
                return TimeSpan.FromTicks((long)Math.Min(elapsed.Ticks * ((double)pending / _completedThisSession), TimeSpan.MaxValue.Ticks));
            }
        }
    }

    /// <summary>
    /// Opens the work list of the manager's run for <paramref name="keys"/>: loads the newest valid snapshot, replays the
    /// journal after it, and reports what was done and started before. Keys done earlier that are not in
    /// <paramref name="keys"/> are remembered but not counted.
    /// </summary>
    /// <param name="manager">A writable manager for a run used only by this work list.</param>
    /// <param name="keys">Every item of the batch, each once (ordinal comparison); order is kept for <see cref="Pending"/>.</param>
    /// <param name="options">Settings; null uses the defaults.</param>
    /// <exception cref="ArgumentException">A key is null, empty or repeated, or an option is out of range.</exception>
    /// <exception cref="InvalidOperationException">The manager is read-only, its journal is already open, or the run holds another kind of journal snapshot.</exception>
    /// <exception cref="CheckpointCorruptException">The run has snapshots but none is valid, or its journal holds records a work list does not write.</exception>
    /// <exception cref="CheckpointStorageException">The file system failed.</exception>
    public static WorkList Open(CheckpointManager manager, IEnumerable<string> keys, WorkListOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(manager);
        ArgumentNullException.ThrowIfNull(keys);
        options ??= new WorkListOptions();
        if (options.SnapshotEvery < 1)
        {
            throw new ArgumentException($"WorkListOptions.SnapshotEvery is {options.SnapshotEvery}; it must be at least 1.", nameof(options));
        }

        var list = keys.ToArray();
        var index = new Dictionary<string, int>(list.Length, StringComparer.Ordinal);
        for (var i = 0; i < list.Length; i++)
        {
            if (string.IsNullOrEmpty(list[i]))
            {
                throw new ArgumentException($"Key {i} is null or empty; every key must be a non-empty string.", nameof(keys));
            }

            if (!index.TryAdd(list[i], i))
            {
                throw new ArgumentException($"The key '{list[i]}' appears more than once (at {index[list[i]]} and {i}); give each item once.", nameof(keys));
            }
        }

        var time = options.TimeProvider ?? manager.TimeProvider;
        var loggerFactory = options.LoggerFactory ?? manager.LoggerFactory ?? NullLoggerFactory.Instance;
        var journal = Journal.Open(manager, JournaledCore.JournalOptionsFor(options.Journal, time, loggerFactory));
        try
        {
            var work = new WorkList(manager, journal, list, index, options, loggerFactory.CreateLogger<WorkList>(), time);
            work.Recover();
            return work;
        }
        catch
        {
            journal.Dispose();
            throw;
        }
    }

    /// <summary>True when <paramref name="key"/> is durably done (also for keys done earlier that are not in this list).</summary>
    public bool IsDone(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        lock (_gate)
        {
            return _index.TryGetValue(key, out var i) ? _status[i] == Done : _doneElsewhere.Contains(key);
        }
    }

    /// <summary>
    /// Records that work on <paramref name="key"/> starts (an intent). Cheap: the record is appended, not committed; it becomes
    /// durable with the next completion. Does nothing for a key that is already done.
    /// </summary>
    /// <exception cref="ArgumentException">The key is not one given to <see cref="Open"/>.</exception>
    /// <exception cref="CheckpointStorageException">The journal failed.</exception>
    public void MarkStarted(string key)
    {
        var i = IndexOf(key);
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_status[i] == Done || _inFlight.Contains(i))
            {
                return;
            }

            JournaledCore.AppendKeyRecord(_journal, JournaledCore.WorkStarted, key);
            _status[i] = Started;
        }
    }

    /// <summary>Records that <paramref name="key"/> is done and returns once that is durable. Does nothing for a key already done.</summary>
    /// <exception cref="ArgumentException">The key is not one given to <see cref="Open"/>.</exception>
    /// <exception cref="CheckpointStorageException">The journal failed; the key is not counted as done.</exception>
    public void MarkDone(string key)
    {
        var i = IndexOf(key);
        if (!Record(i, key))
        {
            return;
        }

        _journal.Commit();
        Applied(i);
    }

    /// <summary>Like <see cref="MarkDone"/>, waiting asynchronously for the commit, which concurrent callers share.</summary>
    /// <exception cref="ArgumentException">The key is not one given to <see cref="Open"/>.</exception>
    /// <exception cref="CheckpointStorageException">The journal failed; the key is not counted as done.</exception>
    public async ValueTask MarkDoneAsync(string key, CancellationToken cancellationToken = default)
    {
        var i = IndexOf(key);
        if (!Record(i, key))
        {
            return;
        }

        await _journal.CommitAsync(cancellationToken).ConfigureAwait(false);
        Applied(i);
    }

    /// <summary>
    /// Saves a snapshot now (a checkpoint of the run whose step is the number of completed keys) and deletes the journal
    /// segments no retained snapshot needs. Also happens every <see cref="WorkListOptions.SnapshotEvery"/> completions.
    /// </summary>
    /// <exception cref="CheckpointStorageException">The save failed; the journal still holds everything.</exception>
    public CheckpointMetadata Snapshot()
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return SnapshotCore();
        }
    }

    /// <summary>Saves a final snapshot when there were completions since the last one, then closes the journal. Storage errors are logged, not thrown.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            FinalSnapshot();
        }

        _journal.Dispose();
    }

    /// <summary>Like <see cref="Dispose"/>.</summary>
    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }

    private void Recover()
    {
        var snapshot = _manager.LoadLatestJournalSnapshot(extraSection: null);
        var after = 0L;
        string from = "the start";
        if (snapshot is { } found)
        {
            JournaledCore.CheckKind(found.Metadata, JournaledCore.WorkListKind, nameof(WorkList));
            WorkListSnapshot? state;
            try
            {
                state = JsonSerializer.Deserialize(found.State.Span, JournalingJsonContext.Default.WorkListSnapshot);
            }
            catch (JsonException ex)
            {
                throw new CheckpointSerializationException($"Work-list snapshot '{found.Metadata.Id}' is intact, but its state is not a work list: {ex.Message}", ex);
            }

            foreach (var key in state?.Done ?? [])
            {
                ApplyDone(key);
            }

            foreach (var key in state?.Started ?? [])
            {
                ApplyStarted(key);
            }

            after = found.Metadata.JournalSequence ?? 0;
            from = "snapshot " + found.Metadata.Id;
            _journal.ContinueAfter(after, found.Metadata.Id);
        }

        long replayed = 0;
        foreach (var record in _journal.ReadAfter(after))
        {
            var payload = record.Payload.Span;
            var kind = payload.IsEmpty ? (byte)0 : payload[0];
            switch (kind)
            {
                case JournaledCore.WorkStarted:
                    ApplyStarted(JournaledCore.ReadKey(payload));
                    break;
                case JournaledCore.WorkDone:
                    ApplyDone(JournaledCore.ReadKey(payload));
                    _sinceSnapshot++;
                    break;
                default:
                    throw JournaledCore.UnknownRecord(_journal, record.Sequence, kind, nameof(WorkList));
            }

            replayed++;
        }

        Log.JournaledResumed(_logger, nameof(WorkList), _journal.Directory, from, after, replayed);
    }

    private void ApplyDone(string key)
    {
        if (_index.TryGetValue(key, out var i))
        {
            if (_status[i] != Done)
            {
                _status[i] = Done;
                _doneCount++;
            }
        }
        else
        {
            _doneElsewhere.Add(key);
            _startedElsewhere.Remove(key);
        }
    }

    private void ApplyStarted(string key)
    {
        if (_index.TryGetValue(key, out var i))
        {
            if (_status[i] == Done)
            {
                return;
            }

            _status[i] = Started;
        }
        else if (_doneElsewhere.Contains(key) || !_startedElsewhere.Add(key))
        {
            return;
        }

        if (_startedBeforeSet.Add(key))
        {
            _startedBefore.Add(key);
        }
    }

    /// <summary>Appends the completion record; false when the key is already done and nothing needs to wait.</summary>
    private bool Record(int i, string key)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_status[i] == Done)
            {
                return false;
            }

            if (_inFlight.Add(i))
            {
                JournaledCore.AppendKeyRecord(_journal, JournaledCore.WorkDone, key);
            }

            return true;
        }
    }

    /// <summary>After the commit: counts the key as done, and snapshots when it is time.</summary>
    private void Applied(int i)
    {
        lock (_gate)
        {
            if (_inFlight.Remove(i) && _status[i] != Done)
            {
                _status[i] = Done;
                Volatile.Write(ref _doneCount, _doneCount + 1);
                _completedThisSession++;
                _sinceSnapshot++;
            }

            if (_sinceSnapshot >= _snapshotAt && !_disposed)
            {
                AutoSnapshot();
            }
        }
    }

    /// <summary>Under the gate: commits the journal, saves the state it describes, compacts.</summary>
    private CheckpointMetadata SnapshotCore()
    {
        _journal.Commit();
        var sequence = _journal.LastSequence;
        var done = new List<string>(_doneCount + _inFlight.Count + _doneElsewhere.Count);
        var started = new List<string>();
        for (var i = 0; i < _keys.Length; i++)
        {
            if (_status[i] == Done || _inFlight.Contains(i))
            {
                done.Add(_keys[i]);
            }
            else if (_status[i] == Started)
            {
                started.Add(_keys[i]);
            }
        }

        done.AddRange(_doneElsewhere);
        started.AddRange(_startedElsewhere);
        var bytes = JsonSerializer.SerializeToUtf8Bytes(new WorkListSnapshot(done, started), JournalingJsonContext.Default.WorkListSnapshot);
        var saved = _manager.SaveJournalSnapshot(
            bytes,
            nameof(WorkListSnapshot),
            "json",
            step: done.Count,
            totalSteps: Math.Max(_keys.Length + _doneElsewhere.Count, 1),
            new JournalSnapshotContent(sequence, JournaledCore.WorkListKind));
        _sinceSnapshot = 0;
        _snapshotAt = _snapshotEvery;
        JournaledCore.CompactAfter(_manager, _journal, saved, _logger);
        return saved;
    }

    /// <summary>Under the gate: a snapshot that is due. The completion that triggered it is already durable, so a failure is logged, not thrown, and retried later.</summary>
    private void AutoSnapshot()
    {
        try
        {
            SnapshotCore();
        }
        catch (CheckpointException ex)
        {
            _snapshotAt = _sinceSnapshot + _snapshotEvery;
            Log.AutoSnapshotFailed(_logger, ex, nameof(WorkList), _snapshotEvery);
        }
    }

    private void FinalSnapshot()
    {
        if (_sinceSnapshot == 0 || _manager.IsDisposed)
        {
            return;
        }

        try
        {
            SnapshotCore();
        }
        catch (CheckpointException ex)
        {
            Log.JournalDisposeFailed(_logger, ex);
        }
    }

    private int IndexOf(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return _index.TryGetValue(key, out var i)
            ? i
            : throw new ArgumentException($"'{key}' is not one of the {_keys.Length} keys given to WorkList.Open.", nameof(key));
    }
}
