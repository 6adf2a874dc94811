using System.Buffers;
using System.Text.Json;
using Checkpointing.Diagnostics;
using Checkpointing.Serialization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Checkpointing.Journaling;

/// <summary>
/// A state object changed only by events: <see cref="Append"/> makes an event durable in the run's journal, then applies it
/// (<c>state = apply(state, event)</c>). After any crash, opening rebuilds exactly the state after the last event whose
/// <see cref="Append"/> returned: the newest valid snapshot plus the events journaled after it.
/// </summary>
/// <remarks>
/// <para>
/// <c>apply</c> must be deterministic and must not throw for an event you append (validate before appending): it runs
/// again on every replay. It may return a new state or change the given one and return it.
/// </para>
/// <para>
/// Snapshots are checkpoints of the run (step = <see cref="EventCount"/>), saved every
/// <see cref="JournaledStateOptions.SnapshotEvery"/> events, on <see cref="Snapshot"/> and on dispose; the journal segments no
/// retained snapshot needs are then deleted. Intents (<see cref="RecordIntent"/>) mark side effects in flight, such as an
/// order sent but not yet confirmed; those without completion are listed by <see cref="PendingIntents"/> after a restart.
/// </para>
/// <para>
/// All members are thread-safe. Concurrent <see cref="AppendAsync"/> callers share one fdatasync; events are applied in
/// journal order. After a journal failure or an <c>apply</c> that threw, every call throws; open it again.
/// </para>
/// </remarks>
/// <typeparam name="TState">The state; serialised by the serializer for snapshots.</typeparam>
/// <typeparam name="TEvent">The events; each is serialised into one journal record.</typeparam>
public sealed class JournaledState<TState, TEvent> : IDisposable, IAsyncDisposable
{
    private readonly CheckpointManager _manager;
    private readonly Journal _journal;
    private readonly Func<TState, TEvent, TState> _apply;
    private readonly ICheckpointSerializer _serializer;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly int _snapshotEvery;
    private readonly Lock _gate = new();
    private readonly Queue<Entry> _unapplied = new();
    private readonly List<PendingIntent> _intents = [];
    private TState _state;
    private long _eventCount;
    private long _sinceSnapshot;
    private long _snapshotAt;
    private Exception? _fault;
    private bool _disposed;

    private JournaledState(CheckpointManager manager, Journal journal, TState state, Func<TState, TEvent, TState> apply, ICheckpointSerializer serializer, JournaledStateOptions options, ILogger logger, TimeProvider time)
    {
        _manager = manager;
        _journal = journal;
        _state = state;
        _apply = apply;
        _serializer = serializer;
        _snapshotEvery = options.SnapshotEvery;
        _snapshotAt = options.SnapshotEvery;
        _logger = logger;
        _time = time;
    }

    /// <summary>
    /// The state after every event whose <see cref="Append"/> has completed (and possibly events of concurrent calls still
    /// completing). This is the live object: read it, do not change it; changes go through events.
    /// </summary>
    public TState State
    {
        get
        {
            lock (_gate)
            {
                return _state;
            }
        }
    }

    /// <summary>How many events the state includes, over all sessions.</summary>
    public long EventCount => Volatile.Read(ref _eventCount);

    /// <summary>Intents recorded without a completion, oldest first, including those from before a restart (a copy).</summary>
    public IReadOnlyList<PendingIntent> PendingIntents
    {
        get
        {
            lock (_gate)
            {
                return [.. _intents];
            }
        }
    }

    /// <summary>
    /// Opens the journaled state of the manager's run: loads the newest valid snapshot (or calls <paramref name="initialState"/>)
    /// and applies the events journaled after it.
    /// </summary>
    /// <param name="manager">A writable manager for a run used only by this state.</param>
    /// <param name="initialState">Makes the state of a new run.</param>
    /// <param name="apply">Applies one event: deterministic, and not throwing for events you append.</param>
    /// <param name="options">Settings; null uses the defaults.</param>
    /// <exception cref="ArgumentException">An option is out of range.</exception>
    /// <exception cref="InvalidOperationException">The manager is read-only, its journal is already open, or the run holds another kind of journal snapshot.</exception>
    /// <exception cref="CheckpointSerializationException">The snapshot or an event cannot be read as <typeparamref name="TState"/> / <typeparamref name="TEvent"/>.</exception>
    /// <exception cref="CheckpointCorruptException">The run has snapshots but none is valid, or its journal holds records this type does not write.</exception>
    /// <exception cref="CheckpointStorageException">The file system failed.</exception>
    public static JournaledState<TState, TEvent> Open(
        CheckpointManager manager,
        Func<TState> initialState,
        Func<TState, TEvent, TState> apply,
        JournaledStateOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(manager);
        ArgumentNullException.ThrowIfNull(initialState);
        ArgumentNullException.ThrowIfNull(apply);
        options ??= new JournaledStateOptions();
        if (options.SnapshotEvery < 1)
        {
            throw new ArgumentException($"JournaledStateOptions.SnapshotEvery is {options.SnapshotEvery}; it must be at least 1.", nameof(options));
        }

        var time = options.TimeProvider ?? manager.TimeProvider;
        var loggerFactory = options.LoggerFactory ?? manager.LoggerFactory ?? NullLoggerFactory.Instance;
        var serializer = options.Serializer ?? manager.Serializer;
        var journal = Journal.Open(manager, JournaledCore.JournalOptionsFor(options.Journal, time, loggerFactory));
        try
        {
            var logger = loggerFactory.CreateLogger<JournaledState<TState, TEvent>>();
            var snapshot = manager.LoadLatestJournalSnapshot(JournaledCore.IntentsSection);
            TState state;
            var after = 0L;
            var eventCount = 0L;
            var from = "the start";
            List<PendingIntent> intents = [];
            if (snapshot is { } found)
            {
                JournaledCore.CheckKind(found.Metadata, JournaledCore.StateKind, "JournaledState");
                state = Deserialize<TState>(serializer, found.State, $"snapshot '{found.Metadata.Id}'");
                if (found.Extra is { } extra)
                {
                    intents = ReadIntents(extra.Span, found.Metadata.Id);
                }

                after = found.Metadata.JournalSequence ?? 0;
                eventCount = found.Metadata.Step;
                from = "snapshot " + found.Metadata.Id;
                journal.ContinueAfter(after, found.Metadata.Id);
            }
            else
            {
                state = initialState();
            }

            var result = new JournaledState<TState, TEvent>(manager, journal, state, apply, serializer, options, logger, time);
            result._eventCount = eventCount;
            result._intents.AddRange(intents);
            var replayed = result.Replay(after);
            Log.JournaledResumed(logger, "JournaledState", journal.Directory, from, after, replayed);
            return result;
        }
        catch
        {
            journal.Dispose();
            throw;
        }
    }

    /// <summary>Makes <paramref name="event"/> durable in the journal, then applies it to <see cref="State"/>, then returns.</summary>
    /// <exception cref="ArgumentNullException">The event is null.</exception>
    /// <exception cref="CheckpointSerializationException">The event cannot be serialised; nothing was recorded.</exception>
    /// <exception cref="CheckpointStorageException">The journal failed; whether the event survives is unknown until the next open, which tells.</exception>
    /// <exception cref="InvalidOperationException">An earlier failure made this object unusable, or <c>apply</c> threw for this durable event.</exception>
    public void Append(TEvent @event)
    {
        var entry = Prepare(@event);
        Commit(entry);
    }

    /// <summary>Like <see cref="Append"/>, waiting asynchronously for the commit, which concurrent callers share.</summary>
    /// <exception cref="CheckpointSerializationException">The event cannot be serialised; nothing was recorded.</exception>
    /// <exception cref="CheckpointStorageException">The journal failed.</exception>
    /// <exception cref="OperationCanceledException">Cancelled while waiting for the commit; the event is recorded and is applied by the next completed call.</exception>
    public async ValueTask AppendAsync(TEvent @event, CancellationToken cancellationToken = default)
    {
        var entry = Prepare(@event);
        await CommitAsync(entry, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Records, durably before returning, that a side effect identified by <paramref name="id"/> is about to happen (an order
    /// about to be sent). Until <see cref="CompleteIntent"/> is called for it, it is in <see cref="PendingIntents"/>, also after a restart.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="id"/> is empty, or an intent with that id is already pending.</exception>
    /// <exception cref="CheckpointStorageException">The journal failed.</exception>
    public void RecordIntent(string id, string? description = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        var intent = new PendingIntent(id, description, _time.GetUtcNow());
        var payload = JsonSerializer.SerializeToUtf8Bytes(intent, JournalingJsonContext.Default.PendingIntent);
        Entry entry;
        lock (_gate)
        {
            ThrowIfUnusable();
            if (_intents.Exists(i => i.Id == id) || _unapplied.Any(e => e.Intent?.Id == id))
            {
                throw new ArgumentException($"An intent with id '{id}' is already pending; complete it first, or use another id.", nameof(id));
            }

            entry = AppendLocked(JournaledCore.IntentRecorded, payload, default, intent, null);
        }

        Commit(entry);
    }

    /// <summary>
    /// Records, durably before returning, that the side effect <paramref name="id"/> is finished (the order was confirmed or
    /// reconciled), removing it from <see cref="PendingIntents"/>. Does nothing when no such intent is pending.
    /// </summary>
    /// <exception cref="CheckpointStorageException">The journal failed.</exception>
    public void CompleteIntent(string id)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        Entry entry;
        lock (_gate)
        {
            ThrowIfUnusable();
            if (!_intents.Exists(i => i.Id == id) && !_unapplied.Any(e => e.Intent?.Id == id))
            {
                return;
            }

            entry = AppendLocked(JournaledCore.IntentCompleted, System.Text.Encoding.UTF8.GetBytes(id), default, null, id);
        }

        Commit(entry);
    }

    /// <summary>
    /// Saves a snapshot now (a checkpoint of the run whose step is <see cref="EventCount"/>) and deletes the journal segments
    /// no retained snapshot needs. Also happens every <see cref="JournaledStateOptions.SnapshotEvery"/> events.
    /// </summary>
    /// <exception cref="CheckpointSerializationException">The state cannot be serialised; nothing was saved.</exception>
    /// <exception cref="CheckpointStorageException">The save failed; the journal still holds everything.</exception>
    public CheckpointMetadata Snapshot()
    {
        lock (_gate)
        {
            ThrowIfUnusable();
            return SnapshotCore();
        }
    }

    /// <summary>Saves a final snapshot when events were added since the last one, then closes the journal. Storage errors are logged, not thrown.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            if (_fault is null && _sinceSnapshot > 0 && !_manager.IsDisposed)
            {
                try
                {
                    SnapshotCore();
                }
                catch (CheckpointException ex)
                {
                    Log.JournalDisposeFailed(_logger, ex);
                }
            }

            _disposed = true;
        }

        _journal.Dispose();
    }

    /// <summary>Like <see cref="Dispose"/>.</summary>
    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }

    private static T Deserialize<T>(ICheckpointSerializer serializer, ReadOnlyMemory<byte> data, string what)
    {
        try
        {
            return serializer.Deserialize<T>(data);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            throw new CheckpointSerializationException(
                $"The {what} is intact, but it could not be read as {typeof(T).Name} by the '{serializer.Name}' serializer: {ex.Message}. Did the type change since it was written? Nothing was changed.", ex);
        }
    }

    private static List<PendingIntent> ReadIntents(ReadOnlySpan<byte> json, string snapshotId)
    {
        try
        {
            return JsonSerializer.Deserialize(json, JournalingJsonContext.Default.ListPendingIntent) ?? [];
        }
        catch (JsonException ex)
        {
            throw new CheckpointSerializationException($"The intents of snapshot '{snapshotId}' are not readable: {ex.Message}", ex);
        }
    }

    private static PendingIntent ReadIntent(ReadOnlySpan<byte> json, long sequence)
    {
        try
        {
            return JsonSerializer.Deserialize(json, JournalingJsonContext.Default.PendingIntent)
                ?? throw new JsonException("the record is JSON null");
        }
        catch (JsonException ex)
        {
            throw new CheckpointSerializationException($"Journal record {sequence} should be an intent but is not readable: {ex.Message}", ex);
        }
    }

    private long Replay(long after)
    {
        long replayed = 0;
        foreach (var record in _journal.ReadAfter(after))
        {
            var payload = record.Payload;
            var kind = payload.IsEmpty ? (byte)0 : payload.Span[0];
            switch (kind)
            {
                case JournaledCore.StateEvent:
                    var @event = Deserialize<TEvent>(_serializer, payload[1..], $"event in journal record {record.Sequence}");
                    ApplyEvent(@event, record.Sequence);
                    _sinceSnapshot++;
                    break;
                case JournaledCore.IntentRecorded:
                    ApplyIntent(ReadIntent(payload.Span[1..], record.Sequence));
                    break;
                case JournaledCore.IntentCompleted:
                    var id = JournaledCore.ReadKey(payload.Span);
                    _intents.RemoveAll(i => i.Id == id);
                    break;
                default:
                    throw JournaledCore.UnknownRecord(_journal, record.Sequence, kind, "JournaledState");
            }

            replayed++;
        }

        return replayed;
    }

    private Entry Prepare(TEvent @event)
    {
        if (@event is null)
        {
            throw new ArgumentNullException(nameof(@event), "An event must not be null: it could not be read back when the journal is replayed.");
        }

        var buffer = new ArrayBufferWriter<byte>(256);
        buffer.GetSpan(1)[0] = JournaledCore.StateEvent;
        buffer.Advance(1);
        try
        {
            _serializer.Serialize(buffer, @event);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            throw new CheckpointSerializationException(
                $"The event of type {typeof(TEvent).Name} could not be serialised by the '{_serializer.Name}' serializer: {ex.Message}. Nothing was recorded.", ex);
        }

        lock (_gate)
        {
            ThrowIfUnusable();
            return AppendLocked(JournaledCore.StateEvent, buffer.WrittenSpan, @event, null, null);
        }
    }

    private Entry AppendLocked(byte kind, ReadOnlySpan<byte> payload, TEvent? @event, PendingIntent? intent, string? completedId)
    {
        long sequence;
        if (kind == JournaledCore.StateEvent)
        {
            sequence = _journal.Append(payload);
        }
        else
        {
            var record = new byte[payload.Length + 1];
            record[0] = kind;
            payload.CopyTo(record.AsSpan(1));
            sequence = _journal.Append(record);
        }

        var entry = new Entry(sequence, kind, @event, intent, completedId);
        _unapplied.Enqueue(entry);
        return entry;
    }

    private void Commit(Entry entry)
    {
        try
        {
            _journal.Commit();
        }
        catch (CheckpointStorageException ex)
        {
            Fault(ex);
            throw;
        }

        Applied(entry);
    }

    private async ValueTask CommitAsync(Entry entry, CancellationToken cancellationToken)
    {
        try
        {
            await _journal.CommitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (CheckpointStorageException ex)
        {
            Fault(ex);
            throw;
        }

        Applied(entry);
    }

    /// <summary>After the commit that covers <paramref name="entry"/>: applies every committed entry in journal order, then snapshots when it is time.</summary>
    private void Applied(Entry entry)
    {
        lock (_gate)
        {
            ApplyCommittedLocked();
            if (_fault is not null && _unapplied.Contains(entry))
            {
                ThrowIfUnusable();
            }

            if (_sinceSnapshot >= _snapshotAt && !_disposed && _fault is null)
            {
                try
                {
                    SnapshotCore();
                }
                catch (CheckpointException ex)
                {
                    // The event is durable and applied; the snapshot is only a shortcut for the next open.
                    _snapshotAt = _sinceSnapshot + _snapshotEvery;
                    Log.AutoSnapshotFailed(_logger, ex, "JournaledState", _snapshotEvery);
                }
            }
        }
    }

    private void ApplyCommittedLocked()
    {
        var committed = _journal.CommittedSequence;
        while (_fault is null && _unapplied.TryPeek(out var next) && next.Sequence <= committed)
        {
            _unapplied.Dequeue();
            switch (next.Kind)
            {
                case JournaledCore.StateEvent:
                    ApplyEvent(next.Event!, next.Sequence);
                    _sinceSnapshot++;
                    break;
                case JournaledCore.IntentRecorded:
                    ApplyIntent(next.Intent!);
                    break;
                default:
                    _intents.RemoveAll(i => i.Id == next.CompletedId);
                    break;
            }
        }
    }

    private void ApplyEvent(TEvent @event, long sequence)
    {
        try
        {
            _state = _apply(_state, @event);
            Volatile.Write(ref _eventCount, _eventCount + 1);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            var fault = new InvalidOperationException(
                $"apply threw for the event in journal record {sequence}, which is already durable: {ex.Message}. The state no longer matches the journal; " +
                "fix apply so that it accepts every event that is appended (validate before Append), then open the run again to replay.",
                ex);
            Fault(fault);
            throw fault;
        }
    }

    private void ApplyIntent(PendingIntent intent)
    {
        _intents.RemoveAll(i => i.Id == intent.Id);
        _intents.Add(intent);
    }

    /// <summary>Under the gate: commits the journal, applies what is pending, saves state and intents, compacts.</summary>
    private CheckpointMetadata SnapshotCore()
    {
        try
        {
            _journal.Commit();
        }
        catch (CheckpointStorageException ex)
        {
            Fault(ex);
            throw;
        }

        ApplyCommittedLocked();
        ThrowIfUnusable();
        var sequence = _journal.LastSequence;
        var state = new ArrayBufferWriter<byte>(4096);
        try
        {
            _serializer.Serialize(state, _state);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            throw new CheckpointSerializationException(
                $"The state of type {typeof(TState).Name} could not be serialised by the '{_serializer.Name}' serializer: {ex.Message}. No snapshot was saved; the journal still holds every event.", ex);
        }

        var intents = JsonSerializer.SerializeToUtf8Bytes(_intents, JournalingJsonContext.Default.ListPendingIntent);
        var saved = _manager.SaveJournalSnapshot(
            state.WrittenMemory,
            typeof(TState).Name,
            _serializer.Name,
            step: _eventCount,
            totalSteps: null,
            new JournalSnapshotContent(sequence, JournaledCore.StateKind, JournaledCore.IntentsSection, intents));
        _sinceSnapshot = 0;
        _snapshotAt = _snapshotEvery;
        JournaledCore.CompactAfter(_manager, _journal, saved, _logger);
        return saved;
    }

    private void Fault(Exception ex)
    {
        lock (_gate)
        {
            _fault ??= ex;
        }
    }

    private void ThrowIfUnusable()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_fault is { } fault)
        {
            throw new InvalidOperationException($"This journaled state is unusable after an earlier failure ({fault.Message}); open the run again to recover every durable event.", fault);
        }
    }

    private sealed record Entry(long Sequence, byte Kind, TEvent? Event, PendingIntent? Intent, string? CompletedId);
}
