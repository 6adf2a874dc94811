using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using Checkpointing.Diagnostics;
using Checkpointing.Format;
using Checkpointing.Journaling;
using Checkpointing.Retention;
using Checkpointing.Serialization;
using Checkpointing.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Checkpointing;

/// <summary>
/// Saves and restores the state of one run, <c>&lt;root&gt;/&lt;processType&gt;/&lt;name&gt;/</c>.
/// A save that returned is durable; a crash at any moment leaves the previous or the new
/// checkpoint; every byte read back is verified and a damaged newest checkpoint is quarantined
/// in favour of the newest valid one.
/// </summary>
/// <remarks>
/// Unless <see cref="CheckpointOptions.ReadOnly"/> is set, the manager is the run's only writer
/// from construction until it is disposed (or the process exits): a second writer gets
/// <see cref="CheckpointLockedException"/>. The methods are thread-safe; saves run one at a time.
/// </remarks>
public sealed class CheckpointManager : IDisposable, IAsyncDisposable
{
    private const string BinarySectionKind = "binary";

    /// <summary>The binary checksum budget of a load: every chunk of every binary section is checked.</summary>
    private const long FullCheck = long.MaxValue;
    private static readonly string MachineName = Environment.MachineName;
    private readonly LocalDirectoryStore _store;
    private readonly ICheckpointSerializer _serializer;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly RetentionPlanner _retention;
    private readonly SemaphoreSlim _writeGate = new(1, 1);
    private readonly Dictionary<string, (Manifest Manifest, long Length)> _manifestCache = new(StringComparer.Ordinal);
    private readonly Lock _cacheLock = new();

    // Files renamed into place whose directory fsync has not returned: not durable yet, so not listed. Guarded by _cacheLock.
    private readonly HashSet<string> _publishing = new(StringComparer.Ordinal);
    private readonly CheckpointOptions _options;
    private readonly BackgroundSaveQueue _background;
    private readonly SnapshotBlockPool _snapshotBlocks = new();
    private readonly RunTelemetry _telemetry;

    // The writer's view of its own files, so that a save neither lists the directory nor stats each file.
    // Loaded on the first save, updated by saves, deletions and quarantines, replaced by every full
    // listing (reads list the directory anyway); _indexVersion keeps a listing taken before a save from
    // overwriting that save's entry. Guarded by _cacheLock.
    private Dictionary<string, (CheckpointFileName Name, long Length)>? _index;
    private long _indexVersion;
    private IWriterLock? _writerLock;
    private bool _disposed;
    private int _journalOpen;

    // The last save that returned, for the next save's manifest (previousSave). Written and read under _writeGate.
    private CompletedSave? _lastSave;

    /// <summary>Opens (and, unless read-only, creates and locks) the run <paramref name="processType"/>/<paramref name="name"/>.</summary>
    /// <param name="processType">The kind of process, e.g. <c>training</c>, <c>download</c>, <c>trading</c>: a single directory name.</param>
    /// <param name="name">The run's name, e.g. <c>my_experiment</c>: a single directory name.</param>
    /// <param name="options">Settings; null uses the defaults.</param>
    /// <exception cref="ArgumentException">A name is not a safe single path segment, or an option is out of range.</exception>
    /// <exception cref="CheckpointLockedException">Another live process is writing this run.</exception>
    /// <exception cref="CheckpointStorageException">The run directory cannot be created, or this process cannot write in it (permissions, read-only file system); <see cref="CheckpointOptions.ReadOnly"/> opens such a run to list and load.</exception>
    public CheckpointManager(string processType, string name, CheckpointOptions? options = null)
        : this(processType, name, options, fileSystem: null, faults: LocalStoreFaults.None)
    {
    }

    internal CheckpointManager(string processType, string name, CheckpointOptions? options, IFileSystem? fileSystem, LocalStoreFaults faults)
    {
        RunName.Validate(processType, nameof(processType));
        RunName.Validate(name, nameof(name));
        _options = options ?? new CheckpointOptions();
        Validate(_options);
        ProcessType = processType;
        Name = name;
        RunDirectory = Path.GetFullPath(Path.Combine(_options.RootDirectory, processType, name));
        _store = new LocalDirectoryStore(RunDirectory, fileSystem, faults);
        _serializer = _options.Serializer ?? JsonCheckpointSerializer.Default;
        _logger = _options.LoggerFactory is { } loggerFactory ? loggerFactory.CreateLogger<CheckpointManager>() : NullLogger.Instance;
        _time = _options.TimeProvider;
        _retention = new RetentionPlanner(_options);
        _background = new BackgroundSaveQueue(WriteCaptured, ReleaseCaptured);

        // Before the lock: a meter factory that throws (one already disposed, say) must not leave the lock held.
        _telemetry = new RunTelemetry(Instruments.For(_options.MeterFactory), processType, name, ChunkCodec.Name(ChunkCodec.FromOption(_options.Compression)), gauged: !_options.ReadOnly, _time);
        if (!_options.ReadOnly)
        {
            try
            {
                _store.EnsureCreated();
                _store.EnsureWritable();
                _writerLock = _store.AcquireWriterLock(_options.TakeOverLock, PublishedWriters);
            }
            catch
            {
                _telemetry.Close();
                throw;
            }

            try
            {
                var removed = _store.RemoveTemporaryFiles();
                if (removed > 0)
                {
                    Log.RemovedTemporaryFiles(_logger, removed, RunDirectory);
                }
            }
            catch
            {
                _writerLock.Dispose();
                _telemetry.Close();
                throw;
            }
        }

    }

    /// <summary>The process type this manager was opened with.</summary>
    public string ProcessType { get; }

    /// <summary>The run name this manager was opened with.</summary>
    public string Name { get; }

    /// <summary>The full path of the run directory.</summary>
    public string RunDirectory { get; }

    /// <summary>True when opened with <see cref="CheckpointOptions.ReadOnly"/>.</summary>
    public bool IsReadOnly => _options.ReadOnly;

    /// <summary>The file system under the run directory, for files kept beside the checkpoints (a study's journal).</summary>
    internal IFileSystem FileSystem => _store.FileSystem;

    internal bool IsDisposed => _disposed;

    /// <summary>The serializer from the options (or the default), for journaled state that follows the manager's choice.</summary>
    internal ICheckpointSerializer Serializer => _serializer;

    /// <summary>The logger factory from the options, or null.</summary>
    internal ILoggerFactory? LoggerFactory => _options.LoggerFactory;

    /// <summary>The clock from the options.</summary>
    internal TimeProvider TimeProvider => _time;

    /// <summary>The run's metrics and spans, for its journal.</summary>
    internal RunTelemetry Telemetry => _telemetry;

    /// <summary>
    /// Saves <paramref name="state"/> as a new checkpoint and returns once it is durable (fsynced and
    /// renamed into place, directory fsynced). Then applies retention.
    /// </summary>
    /// <param name="state">The state: any object the serializer handles (records, classes, collections).</param>
    /// <param name="step">Work done so far (trials, episodes, items); must be ≥ 0. Newest means highest step.</param>
    /// <param name="totalSteps">Total work, for progress; must be &gt; 0 when given.</param>
    /// <param name="status">What the process is doing; <see cref="CheckpointStatus.InProgress"/> for periodic saves.</param>
    /// <param name="metrics">Named numbers to keep with the checkpoint (used by best-N retention).</param>
    /// <param name="tags">Free-form text to keep with the checkpoint.</param>
    /// <param name="sections">Large numeric data (weights, buffers) to store beside the state as raw binary sections, in the same file; read during the save.</param>
    /// <returns>The new checkpoint's metadata.</returns>
    /// <exception cref="CheckpointStorageException">The write failed; earlier checkpoints are untouched and latest did not change.</exception>
    /// <exception cref="CheckpointFencedException">Another process took the run over (<see cref="CheckpointOptions.TakeOverLock"/>); nothing was published, and no later save of this manager will be.</exception>
    /// <exception cref="CheckpointSerializationException">The state could not be serialised.</exception>
    /// <exception cref="CheckpointBackgroundSaveException">An earlier background save failed (reported once); this save did not run.</exception>
    public CheckpointMetadata Save<T>(
        T state,
        long step,
        long? totalSteps = null,
        CheckpointStatus status = CheckpointStatus.InProgress,
        IReadOnlyDictionary<string, double>? metrics = null,
        IReadOnlyDictionary<string, string>? tags = null,
        BinarySections? sections = null)
    {
        ThrowBackgroundFailure();
        var payload = PrepareSave(state, step, totalSteps, metrics);
        var contents = SectionsOf(state, sections)?.OpenContents();
        _writeGate.Wait();
        try
        {
            return SaveCore(payload.WrittenMemory, typeof(T).Name, _serializer.Name, step, totalSteps, status, metrics, tags, contents, snapshot: null, CancellationToken.None);
        }
        finally
        {
            _writeGate.Release();
        }
    }

    /// <summary>
    /// Like <see cref="Save{T}"/>, but the file work runs off the calling thread. Cancellation is
    /// honoured until the file is published; a cancelled save leaves nothing behind.
    /// </summary>
    public async Task<CheckpointMetadata> SaveAsync<T>(
        T state,
        long step,
        long? totalSteps = null,
        CheckpointStatus status = CheckpointStatus.InProgress,
        IReadOnlyDictionary<string, double>? metrics = null,
        IReadOnlyDictionary<string, string>? tags = null,
        BinarySections? sections = null,
        CancellationToken cancellationToken = default)
    {
        ThrowBackgroundFailure();
        var payload = PrepareSave(state, step, totalSteps, metrics);
        var contents = SectionsOf(state, sections)?.OpenContents();
        await _writeGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await Task.Run(() => SaveCore(payload.WrittenMemory, typeof(T).Name, _serializer.Name, step, totalSteps, status, metrics, tags, contents, snapshot: null, cancellationToken), cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _writeGate.Release();
        }
    }

    /// <summary>
    /// Saves in the background, as Orbax's async checkpointing does but safe by construction: returns once
    /// the state is captured (serialised, and binary sections copied), while the file is written on
    /// another thread. At most one save is in flight; what happens when another is asked for is
    /// <see cref="CheckpointOptions.WhenBackgroundSaveBusy"/>. The checkpoint is not "latest" (not listed,
    /// not loaded) before it is durable; a crash meanwhile leaves the previous one.
    /// </summary>
    /// <returns>The accepted save; await its <see cref="BackgroundSave.Completion"/> to know it is durable.</returns>
    /// <exception cref="CheckpointBackgroundSaveException">An earlier background save failed (reported once); this one did not start.</exception>
    /// <exception cref="CheckpointSerializationException">The state could not be serialised.</exception>
    /// <remarks>Cancellation stops a wait for the save in flight; a write that has started runs to the end.</remarks>
    public async ValueTask<BackgroundSave> SaveInBackgroundAsync<T>(
        T state,
        long step,
        long? totalSteps = null,
        CheckpointStatus status = CheckpointStatus.InProgress,
        IReadOnlyDictionary<string, double>? metrics = null,
        IReadOnlyDictionary<string, string>? tags = null,
        BinarySections? sections = null,
        CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        ThrowIfReadOnly();
        ThrowBackgroundFailure();
        while (!_background.TryReserve())
        {
            switch (_options.WhenBackgroundSaveBusy)
            {
                case BackgroundSavePolicy.Skip:
                    Log.BackgroundSaveSkipped(_logger, step);
                    return new BackgroundSave(step, BackgroundSaveOutcome.Skipped, Task.FromResult<CheckpointMetadata?>(null));
                case BackgroundSavePolicy.Coalesce:
                    // The newer state replaces the waiting one anyway: free that copy before making this one.
                    _background.DropQueued();
                    var coalesced = Capture(state, step, totalSteps, status, metrics, tags, sections);
                    while (true)
                    {
                        if (_background.TryQueue(coalesced) is { } queued)
                        {
                            return queued;
                        }

                        if (_background.TryReserve())
                        {
                            return _background.Start(coalesced);
                        }
                    }

                default:
                    await _background.WhenIdleAsync(cancellationToken).ConfigureAwait(false);
                    ThrowBackgroundFailure();
                    break;
            }
        }

        CapturedSave captured;
        try
        {
            cancellationToken.ThrowIfCancellationRequested();
            captured = Capture(state, step, totalSteps, status, metrics, tags, sections);
        }
        catch
        {
            _background.CancelReservation();
            throw;
        }

        return _background.Start(captured);
    }

    /// <summary>Waits until every background save has been written, then raises a background failure not yet reported.</summary>
    /// <exception cref="CheckpointBackgroundSaveException">A background save failed.</exception>
    public async Task FlushAsync(CancellationToken cancellationToken = default)
    {
        await _background.WhenIdleAsync(cancellationToken).ConfigureAwait(false);
        ThrowBackgroundFailure();
    }

    /// <summary>Loads the newest valid checkpoint, or returns null when the run has none.</summary>
    /// <exception cref="CheckpointCorruptException">Checkpoints exist but none is valid; the exception lists each and why.</exception>
    /// <exception cref="CheckpointVersionException">The newest checkpoint was written by a newer, incompatible format version.</exception>
    /// <exception cref="CheckpointSerializationException">The newest valid checkpoint's state does not fit <typeparamref name="T"/>.</exception>
    /// <exception cref="CheckpointNotFoundException">The state is an <see cref="IBinarySectionsState"/> that asked for a section the checkpoint does not have.</exception>
    /// <exception cref="CheckpointStorageException">
    /// A checkpoint newer than any valid one cannot be read at all (permission denied, I/O error). Such a file is not
    /// known to be damaged, so the load does not fall back past it to older progress, nor quarantine it; fix the cause
    /// (the message names the file and the errno) and load again.
    /// </exception>
    public Checkpoint<T>? LoadLatest<T>()
    {
        ThrowIfDisposed();
        var started = _telemetry.GetTimestamp();
        using var activity = _telemetry.StartLoad();
        try
        {
            var found = FindNewestValid(FullCheck);
            if (found is null)
            {
                _telemetry.LoadSucceeded(activity, started, loaded: null);
                Log.NothingToLoad(_logger, RunDirectory);
                return null;
            }

            var (metadata, state, skipped) = found.Value;
            var checkpoint = new Checkpoint<T>(Deserialize<T>(state, metadata), metadata, skipped);
            Loaded(activity, started, metadata);
            return checkpoint;
        }
        catch (Exception ex)
        {
            _telemetry.LoadFailed(activity, started, ex);
            throw;
        }
    }

    /// <summary>Asynchronous <see cref="LoadLatest{T}"/>.</summary>
    public Task<Checkpoint<T>?> LoadLatestAsync<T>(CancellationToken cancellationToken = default) =>
        Task.Run(LoadLatest<T>, cancellationToken);

    /// <summary>Loads the newest checkpoint saved at <paramref name="step"/>.</summary>
    /// <exception cref="CheckpointNotFoundException">No checkpoint of that step exists.</exception>
    /// <exception cref="CheckpointCorruptException">It exists but fails verification.</exception>
    public Checkpoint<T> Load<T>(long step)
    {
        ThrowIfDisposed();
        var names = ListNames();
        var match = names.Where(n => n.Name.Step == step).OrderBy(n => n.Name).LastOrDefault();
        if (match.Name is null)
        {
            var steps = names.Select(n => n.Name.Step).Distinct().Order().ToList();
            var has = steps.Count == 0
                ? "it has no checkpoints"
                : $"its checkpoints are at step(s) {string.Join(", ", steps.Take(20))}{(steps.Count > 20 ? $", … ({steps.Count} in all)" : string.Empty)}";
            throw new CheckpointNotFoundException($"Run '{ProcessType}/{Name}' has no checkpoint at step {step}; {has}.");
        }

        return LoadFile<T>(match.Name);
    }

    /// <summary>Loads the checkpoint with the given id (its file name without <c>.ckpt</c>).</summary>
    /// <exception cref="CheckpointNotFoundException">No checkpoint has that id.</exception>
    /// <exception cref="CheckpointCorruptException">It exists but fails verification.</exception>
    public Checkpoint<T> Load<T>(string checkpointId)
    {
        ThrowIfDisposed();
        ArgumentException.ThrowIfNullOrEmpty(checkpointId);
        var fileName = checkpointId.EndsWith(LocalDirectoryStore.CheckpointExtension, StringComparison.Ordinal) ? checkpointId : checkpointId + LocalDirectoryStore.CheckpointExtension;
        if (!CheckpointFileName.TryParse(fileName, out var parsed) || parsed is null)
        {
            throw new CheckpointNotFoundException($"'{checkpointId}' is not a checkpoint id (expected checkpoint_step_<step>_<yyyyMMdd_HHmmss>[_n]).");
        }

        return LoadFile<T>(parsed);
    }

    /// <summary>
    /// The seed's <c>resume_training</c>: loads the newest valid checkpoint if there is one.
    /// Deconstruct the result as <c>var (resumed, startStep, state) = manager.Resume&lt;S&gt;();</c>.
    /// On a fresh start, <c>state</c> is <c>default</c>; use <see cref="Resume{T}(Func{T})"/> for an initial state.
    /// </summary>
    public ResumeResult<T?> Resume<T>() => Resume<T?>(static () => default);

    /// <summary>Like <see cref="Resume{T}()"/>, with <paramref name="initialState"/> supplying the state on a fresh start.</summary>
    public ResumeResult<T> Resume<T>(Func<T> initialState)
    {
        ArgumentNullException.ThrowIfNull(initialState);
        var loaded = LoadLatest<T>();
        return loaded is null
            ? new ResumeResult<T>(false, 0, initialState(), null, [])
            : new ResumeResult<T>(true, loaded.Metadata.Step, loaded.State, loaded.Metadata, loaded.Skipped);
    }

    /// <summary>Asynchronous <see cref="Resume{T}(Func{T})"/>.</summary>
    public Task<ResumeResult<T>> ResumeAsync<T>(Func<T> initialState, CancellationToken cancellationToken = default) =>
        Task.Run(() => Resume(initialState), cancellationToken);

    /// <summary>Asynchronous <see cref="Resume{T}()"/>.</summary>
    public Task<ResumeResult<T?>> ResumeAsync<T>(CancellationToken cancellationToken = default) =>
        Task.Run(Resume<T>, cancellationToken);

    /// <summary>
    /// Describes the checkpoint a resume would use (verified, not deserialised) and the newer ones
    /// that had to be skipped; null when the run has no checkpoint.
    /// </summary>
    /// <exception cref="CheckpointCorruptException">Checkpoints exist but none is valid.</exception>
    public RecoveryInfo? GetRecoveryInfo() => GetRecoveryInfo(FullCheck);

    /// <summary>
    /// As <see cref="GetRecoveryInfo()"/>, for a quick look at a run's health (<c>ckpt list</c>): when the binary sections of a
    /// checkpoint store more than <paramref name="binaryChecksumBudget"/> bytes in all, they are not read (a walk of their chunk
    /// headers alone costs a random read per MiB); its footer, manifest and state section are still verified as by a load. The
    /// checkpoint returned was checked in full when its <see cref="BinarySection.StoredBytes"/> add up to at most the budget;
    /// a load checks every chunk regardless, and falls back past a checkpoint whose chunks fail.
    /// </summary>
    internal RecoveryInfo? GetRecoveryInfo(long binaryChecksumBudget)
    {
        ThrowIfDisposed();
        var found = FindNewestValid(binaryChecksumBudget);
        return found is null ? null : new RecoveryInfo(found.Value.Metadata, found.Value.Skipped);
    }

    /// <summary>
    /// Every checkpoint of the run, oldest first, from the files' footers (payloads are not read).
    /// Files whose footer is unreadable are left out (with a warning in the log); loading reports them.
    /// A file published late by a writer that had lost the run is listed with <see cref="CheckpointMetadata.IsPublishedLate"/>.
    /// </summary>
    public IReadOnlyList<CheckpointMetadata> List()
    {
        ThrowIfDisposed();
        var result = new List<CheckpointMetadata>();
        var writers = ReadWriterRecord();
        foreach (var (name, length) in ListNames().OrderBy(n => n.Name))
        {
            try
            {
                var manifest = ReadManifestCached(name, length, out var storedLength);
                result.Add(ToMetadata(manifest, name, storedLength, writers.Excludes(manifest.WriterGeneration, manifest.Step)));
            }
            catch (CheckpointException ex)
            {
                Log.ListSkipped(_logger, name.FileName, ex.Message);
            }
        }

        return result;
    }

    /// <summary>Deletes the checkpoint with the given id; returns false when there is none.</summary>
    /// <exception cref="InvalidOperationException">The manager is read-only.</exception>
    /// <exception cref="CheckpointFencedException">Another process took the run over (<see cref="CheckpointOptions.TakeOverLock"/>); nothing was deleted.</exception>
    public bool Delete(string checkpointId)
    {
        ThrowIfDisposed();
        ThrowIfReadOnly();
        ArgumentException.ThrowIfNullOrEmpty(checkpointId);
        var fileName = checkpointId.EndsWith(LocalDirectoryStore.CheckpointExtension, StringComparison.Ordinal) ? checkpointId : checkpointId + LocalDirectoryStore.CheckpointExtension;
        if (!CheckpointFileName.TryParse(fileName, out _))
        {
            return false;
        }

        _writeGate.Wait();
        try
        {
            ThrowIfFenced();
            Forget(fileName);
            var deleted = _store.Delete(fileName);
            Unindex(fileName);
            return deleted;
        }
        finally
        {
            _writeGate.Release();
        }
    }

    /// <summary>Deletes every checkpoint of the run (for a deliberate fresh start); quarantined files stay. Returns how many were deleted.</summary>
    /// <exception cref="InvalidOperationException">The manager is read-only.</exception>
    /// <exception cref="CheckpointFencedException">Another process took the run over (<see cref="CheckpointOptions.TakeOverLock"/>); nothing was deleted.</exception>
    public int DeleteAll()
    {
        ThrowIfDisposed();
        ThrowIfReadOnly();
        _writeGate.Wait();
        try
        {
            ThrowIfFenced();
            var count = 0;
            foreach (var (name, _) in ListNames())
            {
                Forget(name.FileName);
                var deleted = _store.Delete(name.FileName);
                Unindex(name.FileName);
                if (deleted)
                {
                    count++;
                }
            }

            return count;
        }
        finally
        {
            _writeGate.Release();
        }
    }

    /// <summary>
    /// Applies the retention rules of this manager's options (<see cref="CheckpointOptions.KeepLastN"/>,
    /// <see cref="CheckpointOptions.KeepBestN"/> by <see cref="CheckpointOptions.BestMetric"/>,
    /// <see cref="CheckpointOptions.KeepEvery"/>, <see cref="CheckpointOptions.MaxTotalBytes"/>) now, as every save does
    /// after it is published, and returns the ids of the checkpoints deleted, oldest first. The newest valid checkpoint
    /// and the best are never deleted; quarantined files are not touched. Checkpoints published late by a writer that had
    /// lost the run (<see cref="CheckpointMetadata.IsPublishedLate"/>) are not counted by any rule and are moved to
    /// quarantine, not deleted. With <paramref name="dryRun"/>, nothing is deleted or moved and the ids are those that
    /// would be deleted (a read-only manager can do that much).
    /// </summary>
    /// <param name="dryRun">Only say what would be deleted.</param>
    /// <exception cref="InvalidOperationException">The manager is read-only and <paramref name="dryRun"/> is false.</exception>
    /// <exception cref="CheckpointFencedException">Another process took the run over (<see cref="CheckpointOptions.TakeOverLock"/>); nothing was deleted.</exception>
    /// <exception cref="CheckpointStorageException">The run could not be listed, or a deletion failed (the ones before it are done).</exception>
    public IReadOnlyList<string> ApplyRetention(bool dryRun = false)
    {
        ThrowIfDisposed();
        if (!dryRun)
        {
            ThrowIfReadOnly();
        }

        _writeGate.Wait();
        try
        {
            var names = ListNames();
            var late = SetAsidePublishedLate(names, _writerLock?.Record ?? ReadWriterRecord());
            var doomed = PlanRetention(names, justWritten: null).Select(c => c.Name).Order().ToList();
            if (dryRun)
            {
                return doomed.ConvertAll(n => n.Id);
            }

            ThrowIfFenced();
            foreach (var (name, reason) in late)
            {
                Skip(name.FileName, reason, quarantine: true, activity: null);
            }

            foreach (var name in doomed)
            {
                Forget(name.FileName);
                _store.Delete(name.FileName, durable: false);
                Unindex(name.FileName);
                Log.RetentionDeleted(_logger, name.Id);
            }

            return doomed.ConvertAll(n => n.Id);
        }
        finally
        {
            _writeGate.Release();
        }
    }

    /// <summary>
    /// Waits for background saves to be written, then releases the writer lock. Saves already returned stay durable.
    /// A background failure not reported yet is logged, not thrown (Dispose does not throw); use
    /// <see cref="DisposeAsync"/> or <see cref="FlushAsync"/> to have it raised.
    /// </summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _background.Close();
        _background.WaitIdle();
        _snapshotBlocks.Clear();
        _disposed = true;
        _telemetry.Close();
        _writeGate.Wait();
        try
        {
            Interlocked.Exchange(ref _writerLock, null)?.Dispose();
        }
        finally
        {
            _writeGate.Release();
        }

        try
        {
            ThrowBackgroundFailure();
        }
        catch (CheckpointBackgroundSaveException ex)
        {
            Log.BackgroundSaveFailedAtDispose(_logger, ex, ex.Step);
        }
    }

    /// <summary>Waits for the saves in progress (background ones included), then releases the writer lock.</summary>
    /// <exception cref="CheckpointBackgroundSaveException">A background save failed and was not reported yet (the lock is released anyway).</exception>
    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _background.Close();
        await _background.WhenIdleAsync(CancellationToken.None).ConfigureAwait(false);
        _snapshotBlocks.Clear();
        _disposed = true;
        _telemetry.Close();
        await _writeGate.WaitAsync().ConfigureAwait(false);
        try
        {
            Interlocked.Exchange(ref _writerLock, null)?.Dispose();
        }
        finally
        {
            _writeGate.Release();
        }

        ThrowBackgroundFailure();
    }

    /// <summary>
    /// Saves a snapshot for a journal: a checkpoint whose state covers every journal record up to
    /// <c>snapshot.JournalSequence</c>, with an optional second JSON section. Same durability and retention as <see cref="Save{T}"/>.
    /// </summary>
    internal CheckpointMetadata SaveJournalSnapshot(
        ReadOnlyMemory<byte> state,
        string stateType,
        string serializerName,
        long step,
        long? totalSteps,
        JournalSnapshotContent snapshot)
    {
        ThrowIfDisposed();
        ThrowIfReadOnly();
        ArgumentOutOfRangeException.ThrowIfNegative(step);
        ArgumentOutOfRangeException.ThrowIfNegative(snapshot.JournalSequence);
        _writeGate.Wait();
        try
        {
            var tags = new Dictionary<string, string>(StringComparer.Ordinal) { [JournalSnapshotContent.KindTag] = snapshot.Kind };
            return SaveCore(state, stateType, serializerName, step, totalSteps, CheckpointStatus.InProgress, metrics: null, tags, sections: null, snapshot, CancellationToken.None);
        }
        finally
        {
            _writeGate.Release();
        }
    }

    /// <summary>
    /// The newest valid snapshot (a checkpoint with a journal sequence), with its state bytes and, when present,
    /// the section <paramref name="extraSection"/>; damaged newer files are quarantined as by <see cref="LoadLatest{T}"/>. Null when there is none.
    /// </summary>
    internal (CheckpointMetadata Metadata, ReadOnlyMemory<byte> State, ReadOnlyMemory<byte>? Extra, IReadOnlyList<SkippedCheckpoint> Skipped)? LoadLatestJournalSnapshot(string? extraSection)
    {
        ThrowIfDisposed();
        return FindNewestValid(FullCheck, snapshotsOnly: true, extraSection);
    }

    /// <summary>The smallest journal sequence among the snapshots retention kept (readable ones), or null when there is none.</summary>
    internal long? OldestRetainedJournalSequence()
    {
        ThrowIfDisposed();
        long? oldest = null;
        foreach (var metadata in List())
        {
            if (metadata.JournalSequence is long s && (oldest is null || s < oldest))
            {
                oldest = s;
            }
        }

        return oldest;
    }

    /// <summary>
    /// The highest writer generation in the run's checkpoints (from their footers, which later listings reuse) and their highest
    /// step, for a new writer's record. Files whose footer cannot be read are left out: their generation is unknown.
    /// </summary>
    private PublishedCheckpoints PublishedWriters()
    {
        long generation = 0, step = 0;
        foreach (var entry in _store.ListCheckpointFiles())
        {
            if (!CheckpointFileName.TryParse(entry.Name, out var name) || name is null)
            {
                continue;
            }

            step = Math.Max(step, name.Step);
            try
            {
                generation = Math.Max(generation, ReadManifestCached(name, entry.Length, out _).WriterGeneration ?? 0);
            }
            catch (CheckpointException)
            {
                // Damaged, foreign or unreadable: loading deals with it.
            }
        }

        return new PublishedCheckpoints(generation, step);
    }

    /// <summary>The run's writer record (its fences); an empty one, with a warning, when writer.lock cannot be read.</summary>
    private WriterRecord ReadWriterRecord()
    {
        try
        {
            return _store.ReadWriterRecord();
        }
        catch (CheckpointStorageException ex)
        {
            Log.WriterRecordUnreadable(_logger, ex, RunDirectory);
            return WriterRecord.Parse(null);
        }
    }

    /// <summary>Throws <see cref="CheckpointFencedException"/> when another process took this run's writer lock over.</summary>
    internal void ThrowIfFenced() => _writerLock?.ThrowIfFenced();

    /// <summary>Marks this manager's journal as open; false when one already is (one journal per run and process).</summary>
    internal bool TryClaimJournal() => Interlocked.CompareExchange(ref _journalOpen, 1, 0) == 0;

    internal void ReleaseJournal() => Volatile.Write(ref _journalOpen, 0);

    private static void Validate(CheckpointOptions o)
    {
        if (string.IsNullOrWhiteSpace(o.RootDirectory))
        {
            throw new ArgumentException("CheckpointOptions.RootDirectory must name a directory.", "options");
        }

        if (o.ReadOnly && o.TakeOverLock)
        {
            throw new ArgumentException("CheckpointOptions.ReadOnly and TakeOverLock are both set; a read-only manager takes no lock. Set one of them.", "options");
        }

        if (o.TakeOverLock && !OperatingSystem.IsLinux())
        {
            throw new ArgumentException("CheckpointOptions.TakeOverLock is supported on Linux only (it needs a lock file that can be replaced under its holder and statx to notice it).", "options");
        }

        if (o.KeepLastN is < 1)
        {
            throw new ArgumentException($"CheckpointOptions.KeepLastN is {o.KeepLastN}; it must be at least 1, or null to keep every checkpoint.", "options");
        }

        if (o.KeepBestN < 0)
        {
            throw new ArgumentException($"CheckpointOptions.KeepBestN is {o.KeepBestN}; it must be 0 or more.", "options");
        }

        if (o.KeepEvery is { } every && every <= TimeSpan.Zero)
        {
            throw new ArgumentException($"CheckpointOptions.KeepEvery is {every}; it must be positive, or null to turn it off.", "options");
        }

        if (o.MaxTotalBytes is <= 0)
        {
            throw new ArgumentException($"CheckpointOptions.MaxTotalBytes is {o.MaxTotalBytes}; it must be positive, or null for no cap.", "options");
        }

        if (o.Compression is not (CheckpointCompression.None or CheckpointCompression.Gzip or CheckpointCompression.Zstd)) // not Enum.IsDefined: its reflection costs a process 2 ms
        {
            throw new ArgumentException($"CheckpointOptions.Compression has the undefined value {(int)o.Compression}.", "options");
        }

        if (!Enum.IsDefined(o.WhenBackgroundSaveBusy))
        {
            throw new ArgumentException($"CheckpointOptions.WhenBackgroundSaveBusy has the undefined value {(int)o.WhenBackgroundSaveBusy}.", "options");
        }

        if (o.TimeProvider is null)
        {
            throw new ArgumentException("CheckpointOptions.TimeProvider must not be null.", "options");
        }
    }

    private void ThrowBackgroundFailure() => _background.ThrowIfFailed();

    /// <summary>The sections given to a save, or those of a state that keeps its own.</summary>
    private static BinarySections? SectionsOf<T>(T state, BinarySections? given)
    {
        if (state is not IBinarySectionsState owner)
        {
            return given;
        }

        if (given is not null)
        {
            throw new ArgumentException($"The state ({typeof(T).Name}) provides its own binary sections through IBinarySectionsState; do not pass sections as well.", "sections");
        }

        return owner.GetSections() ?? throw new InvalidOperationException($"{typeof(T).Name}.GetSections() returned null; return an empty BinarySections instead.");
    }

    /// <summary>Takes a copy of everything a background save needs, so the caller may change its state as soon as this returns.</summary>
    private CapturedSave Capture<T>(
        T state,
        long step,
        long? totalSteps,
        CheckpointStatus status,
        IReadOnlyDictionary<string, double>? metrics,
        IReadOnlyDictionary<string, string>? tags,
        BinarySections? sections)
    {
        var payload = PrepareSave(state, step, totalSteps, metrics);
        return new CapturedSave(
            payload.WrittenMemory,
            typeof(T).Name,
            _serializer.Name,
            step,
            totalSteps,
            status,
            metrics is null ? null : new Dictionary<string, double>(metrics, StringComparer.Ordinal),
            tags is null ? null : new Dictionary<string, string>(tags, StringComparer.Ordinal),
            SectionsOf(state, sections)?.OpenContents().Select(c => c.Capture(_snapshotBlocks)).ToList());
    }

    /// <summary>Keeps a finished (or replaced) snapshot's memory for the next capture.</summary>
    private void ReleaseCaptured(CapturedSave save)
    {
        foreach (var section in save.Sections ?? [])
        {
            (section as CapturedSectionContent)?.ReturnBlocks(_snapshotBlocks);
        }
    }

    private CheckpointMetadata WriteCaptured(CapturedSave save)
    {
        _writeGate.Wait();
        try
        {
            return SaveCore(save.State, save.StateType, save.SerializerName, save.Step, save.TotalSteps, save.Status, save.Metrics, save.Tags, save.Sections, snapshot: null, CancellationToken.None);
        }
        finally
        {
            _writeGate.Release();
        }
    }

    private ArrayBufferWriter<byte> PrepareSave<T>(T state, long step, long? totalSteps, IReadOnlyDictionary<string, double>? metrics)
    {
        ThrowIfDisposed();
        ThrowIfReadOnly();
        if (state is null)
        {
            throw new ArgumentNullException(nameof(state), "The state to save is null; save an object (an empty one is fine) so that it can be loaded back.");
        }

        ArgumentOutOfRangeException.ThrowIfNegative(step);
        if (totalSteps is <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(totalSteps), totalSteps, "totalSteps must be positive when given.");
        }

        if (metrics is not null)
        {
            foreach (var key in metrics.Keys)
            {
                if (string.IsNullOrEmpty(key))
                {
                    throw new ArgumentException("Metric names must not be empty.", nameof(metrics));
                }
            }
        }

        var buffer = new ArrayBufferWriter<byte>(4096);
        try
        {
            _serializer.Serialize(buffer, state);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            throw new CheckpointSerializationException(
                $"The state of type {typeof(T).Name} could not be serialised by the '{_serializer.Name}' serializer: {ex.Message}. Nothing was saved.", ex);
        }

        return buffer;
    }

    private CheckpointMetadata SaveCore(
        ReadOnlyMemory<byte> payload,
        string stateType,
        string serializerName,
        long step,
        long? totalSteps,
        CheckpointStatus status,
        IReadOnlyDictionary<string, double>? metrics,
        IReadOnlyDictionary<string, string>? tags,
        List<SectionContent>? sections,
        JournalSnapshotContent? snapshot,
        CancellationToken cancellationToken)
    {
        ThrowIfDisposed();
        var started = _telemetry.GetTimestamp();
        using var activity = _telemetry.StartSave(step);
        CheckpointFileName name;
        Manifest manifest;
        long length;
        try
        {
            var now = _time.GetUtcNow();
            EnsureIndex();
            var discriminator = 0;
            name = CheckpointFileName.Create(step, now, discriminator);
            while (IsIndexed(name.FileName))
            {
                name = CheckpointFileName.Create(step, now, ++discriminator);
            }

            manifest = new Manifest
            {
                CheckpointId = name.Id,
                ProcessType = ProcessType,
                Name = Name,
                Step = step,
                TotalSteps = totalSteps,
                Status = status,
                CreatedUtc = now.ToUniversalTime(),
                Metrics = metrics is null ? [] : new Dictionary<string, double>(metrics, StringComparer.Ordinal),
                Tags = tags is null ? [] : new Dictionary<string, string>(tags, StringComparer.Ordinal),
                WriterHost = MachineName,
                WriterProcessId = Environment.ProcessId,
                WriterGeneration = _writerLock?.Generation,
                Compression = ChunkCodec.Name(ChunkCodec.FromOption(_options.Compression)),
                Serializer = serializerName,
                StateType = stateType,
                PreviousSave = _lastSave is { } previous ? ManifestExtras.Entry(previous) : null,
                Retention = ManifestExtras.Entry(_options),
            };
            var minorVersion = FormatConstants.MinorVersion;
            if (snapshot is not null)
            {
                manifest.JournalSequence = snapshot.JournalSequence;
                minorVersion = FormatConstants.JournalSequenceMinorVersion;
                manifest.FormatVersion = $"{FormatConstants.MajorVersion}.{minorVersion}";
            }

            if (sections is { Count: > 0 })
            {
                minorVersion = FormatConstants.BinarySectionsMinorVersion;
                manifest.FormatVersion = $"{FormatConstants.MajorVersion}.{minorVersion}";
            }

            cancellationToken.ThrowIfCancellationRequested();
            using var pending = _store.CreatePending(name.FileName);
            using (var writer = new CheckpointFileWriter(pending, _options.Compression, minorVersion: minorVersion, minCompressedLength: CheckpointFileWriter.SmallChunkLength))
            {
                writer.WriteSection(FormatConstants.StateSectionName, "state", "application/json", payload.Span);
                if (snapshot?.ExtraSectionName is { } extraName)
                {
                    writer.WriteSection(extraName, extraName, "application/json", snapshot.ExtraSection.Span);
                }

                foreach (var section in sections ?? [])
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    writer.WriteSection(section.Name, BinarySectionKind, "application/octet-stream", section);
                }

                manifest.WriteMs = ManifestExtras.Milliseconds(_telemetry.GetElapsedTime(started));
                length = writer.Finish(manifest);
            }

            cancellationToken.ThrowIfCancellationRequested();

            // Between the rename and the directory fsync the file is visible but not yet durable (and is
            // deleted if that fsync fails): readers of this manager must not take it for the latest.
            lock (_cacheLock)
            {
                _publishing.Add(name.FileName);
            }

            try
            {
                pending.Publish();
            }
            finally
            {
                lock (_cacheLock)
                {
                    _publishing.Remove(name.FileName);
                }
            }
        }
        catch (Exception ex)
        {
            _telemetry.SaveFailed(activity, started, ex);
            if (ex is OperationCanceledException)
            {
                Log.SaveCancelled(_logger, step);
            }
            else
            {
                Log.SaveFailed(_logger, ex, step);
            }

            throw;
        }

        lock (_cacheLock)
        {
            _manifestCache[name.FileName] = (manifest, length);
            if (_index is not null)
            {
                _index[name.FileName] = (name, length);
                _indexVersion++;
            }
        }

        var metadata = ToMetadata(manifest, name, length);
        _telemetry.SaveSucceeded(activity, started, name.Id, step, totalSteps, length);
        Log.Saved(_logger, name.Id, step, length, _telemetry.GetElapsedTime(started).TotalMilliseconds);
        ApplyRetention(name);
        _lastSave = new CompletedSave(name.Id, step, _telemetry.GetElapsedTime(started));
        return metadata;
    }

    private void ApplyRetention(CheckpointFileName justWritten)
    {
        List<(CheckpointFileName Name, long Length)> names;
        try
        {
            // No fence check here: the publish just checked it after its directory fsync, and a fenced save never gets here.
            names = IndexedNames();
        }
        catch (CheckpointStorageException ex)
        {
            // The save is already durable; retention simply runs again after the next one.
            Log.RetentionFailed(_logger, ex, justWritten.Id);
            return;
        }

        // This writer's own record has every fence there is while it owns the run.
        foreach (var (name, reason) in SetAsidePublishedLate(names, _writerLock?.Record ?? ReadWriterRecord()))
        {
            Skip(name.FileName, reason, quarantine: true, activity: null);
        }

        foreach (var doomed in PlanRetention(names, justWritten))
        {
            try
            {
                Forget(doomed.Name.FileName);
                _store.Delete(doomed.Name.FileName, durable: false);
                Unindex(doomed.Name.FileName);
                Log.RetentionDeleted(_logger, doomed.Name.Id);
            }
            catch (CheckpointStorageException ex)
            {
                Log.RetentionFailed(_logger, ex, doomed.Name.Id);
            }
        }
    }

    /// <summary>What the retention rules of the options delete from <paramref name="names"/>, never <paramref name="justWritten"/>, the newest readable or the best.</summary>
    private IReadOnlyList<RetentionCandidate> PlanRetention(List<(CheckpointFileName Name, long Length)> names, CheckpointFileName? justWritten)
    {
        var candidates = new List<RetentionCandidate>();
        foreach (var (name, length) in names)
        {
            double? best = null;
            if (_options.BestMetric is { } metric)
            {
                try
                {
                    if (ReadManifestCached(name, length, out _).Metrics.TryGetValue(metric, out var v))
                    {
                        best = v;
                    }
                }
                catch (CheckpointException)
                {
                    // An unreadable file is never "best"; last-N rules still apply to it.
                }
            }

            candidates.Add(new RetentionCandidate(name, length, best));
        }

        return _retention.PlanDeletions(candidates, justWritten, NewestReadable(names));
    }

    /// <summary>
    /// Removes from <paramref name="names"/> the checkpoints that a fence of <paramref name="writers"/> excludes (published
    /// late by a writer that had lost the run), and returns them with the reason: retention must neither count them among the
    /// newest nor keep a valid one less for them. Only files above a fence's step are read (their footers), and none without fences.
    /// </summary>
    private List<(CheckpointFileName Name, string Reason)> SetAsidePublishedLate(List<(CheckpointFileName Name, long Length)> names, WriterRecord writers)
    {
        var late = new List<(CheckpointFileName Name, string Reason)>();
        if (writers.Fences.Count == 0)
        {
            return late;
        }

        var lowestFenceStep = long.MaxValue;
        foreach (var fence in writers.Fences)
        {
            lowestFenceStep = Math.Min(lowestFenceStep, fence.Step);
        }

        for (var i = names.Count - 1; i >= 0; i--)
        {
            if (names[i].Name.Step <= lowestFenceStep)
            {
                continue;
            }

            try
            {
                var manifest = ReadManifestCached(names[i].Name, names[i].Length, out _);
                if (writers.Excludes(manifest.WriterGeneration, manifest.Step))
                {
                    late.Add((names[i].Name, PublishedLateReason(manifest)));
                    names.RemoveAt(i);
                }
            }
            catch (CheckpointException)
            {
                // Unreadable: the other rules deal with it as before.
            }
        }

        return late;
    }

    private static string PublishedLateReason(Manifest manifest) =>
        $"published late by writer generation {manifest.WriterGeneration?.ToString(CultureInfo.InvariantCulture) ?? "(unrecorded)"}, " +
        "after another process had taken the run over (a fenced writer's save); never taken for the latest";

    /// <summary>The newest checkpoint whose footer verifies: retention must keep it even when a damaged file sorts after it.</summary>
    private CheckpointFileName? NewestReadable(List<(CheckpointFileName Name, long Length)> names)
    {
        // Newest first, found by scanning rather than sorting (no LINQ to compile in a first save); usually the newest verifies.
        CheckpointFileName? rejected = null;
        while (RetentionPlanner.NewestBelow(names, rejected) is var i && i >= 0)
        {
            try
            {
                ReadManifestCached(names[i].Name, names[i].Length, out _);
                return names[i].Name;
            }
            catch (CheckpointException)
            {
                // Damaged or foreign: look further back.
                rejected = names[i].Name;
            }
        }

        return null;
    }

    private (CheckpointMetadata Metadata, ReadOnlyMemory<byte> State, IReadOnlyList<SkippedCheckpoint> Skipped)? FindNewestValid(long binaryChecksumBudget)
    {
        var found = FindNewestValid(binaryChecksumBudget, snapshotsOnly: false, extraSection: null);
        return found is null ? null : (found.Value.Metadata, found.Value.State, found.Value.Skipped);
    }

    private (CheckpointMetadata Metadata, ReadOnlyMemory<byte> State, ReadOnlyMemory<byte>? Extra, IReadOnlyList<SkippedCheckpoint> Skipped)? FindNewestValid(long binaryChecksumBudget, bool snapshotsOnly, string? extraSection)
    {
        using var activity = _telemetry.StartRecover();
        try
        {
            return FindNewestValid(binaryChecksumBudget, snapshotsOnly, extraSection, activity);
        }
        catch (Exception ex)
        {
            _telemetry.RecoverFailed(activity, ex);
            throw;
        }
    }

    private (CheckpointMetadata Metadata, ReadOnlyMemory<byte> State, ReadOnlyMemory<byte>? Extra, IReadOnlyList<SkippedCheckpoint> Skipped)? FindNewestValid(long binaryChecksumBudget, bool snapshotsOnly, string? extraSection, Activity? activity)
    {
        var damaged = new List<(string FileName, string Reason)>();
        var superseded = new List<(string FileName, string Reason)>();
        WriterRecord? writers = null;
        foreach (var (name, length) in ListNames().OrderByDescending(n => n.Name))
        {
            try
            {
                if (snapshotsOnly && ReadManifestCached(name, length, out _).JournalSequence is null)
                {
                    continue;
                }

                var (manifest, state, storedLength) = ReadVerified(name, binaryChecksumBudget);
                writers ??= ReadWriterRecord();
                if (writers.Excludes(manifest.WriterGeneration, manifest.Step))
                {
                    // Not damage: a valid file that must not count, as if it were not there.
                    superseded.Add((name.FileName, PublishedLateReason(manifest)));
                    continue;
                }
                var metadata = ToMetadata(manifest, name, storedLength);
                ReadOnlyMemory<byte>? extra = null;
                if (extraSection is not null && manifest.Sections.Exists(s => s.Name == extraSection))
                {
                    using var file = _store.OpenRead(name.FileName);
                    extra = CheckpointFileReader.ReadSection(file, manifest, extraSection, Path.Combine(RunDirectory, name.FileName));
                }

                // Quarantine only once a valid checkpoint takes their place: when nothing is valid,
                // the files stay put so the next start fails loudly instead of silently starting over.
                var skipped = superseded.Concat(damaged).Select(d => Skip(d.FileName, d.Reason, quarantine: true, activity)).ToList();
                if (skipped.Count > 0)
                {
                    Log.FellBack(_logger, metadata.Id, metadata.Step, skipped.Count);
                }

                _telemetry.Recovered(activity, metadata, skipped.Count);

                return (metadata, state, extra, skipped);
            }
            catch (CheckpointCorruptException ex)
            {
                damaged.Add((name.FileName, ex.Reason ?? ex.Message));
            }
            catch (CheckpointNotFoundException)
            {
                // Removed while we looked (retention in a writer): not a failure.
            }
        }

        if (damaged.Count == 0)
        {
            return null;
        }

        var all = damaged.Select(d => Skip(d.FileName, d.Reason, quarantine: false, activity)).ToList();
        var list = string.Join(Environment.NewLine, all.Select(s => $"  - {s.FileName}: {s.Reason}"));
        throw new CheckpointCorruptException(
            $"Run '{ProcessType}/{Name}' has {all.Count} checkpoint(s) but none is valid:{Environment.NewLine}{list}{Environment.NewLine}" +
            $"Nothing was moved or deleted. Restore a good copy into '{RunDirectory}', or start over with DeleteAll() (or by deleting the directory).",
            all);
    }

    private Checkpoint<T> LoadFile<T>(CheckpointFileName name)
    {
        var started = _telemetry.GetTimestamp();
        using var activity = _telemetry.StartLoad();
        try
        {
            var entry = ListNames().FirstOrDefault(n => n.Name == name);
            if (entry.Name is null)
            {
                throw new CheckpointNotFoundException($"Run '{ProcessType}/{Name}' has no checkpoint '{name.Id}' (deleted by retention or DeleteAll, or from another run); List() returns the ones it has.");
            }

            var (manifest, state, storedLength) = ReadVerified(entry.Name, FullCheck);
            var metadata = ToMetadata(manifest, entry.Name, storedLength, ReadWriterRecord().Excludes(manifest.WriterGeneration, manifest.Step));
            var checkpoint = new Checkpoint<T>(Deserialize<T>(state, metadata), metadata, []);
            Loaded(activity, started, metadata);
            return checkpoint;
        }
        catch (Exception ex)
        {
            _telemetry.LoadFailed(activity, started, ex);
            throw;
        }
    }

    private void Loaded(Activity? activity, long started, CheckpointMetadata metadata)
    {
        _telemetry.LoadSucceeded(activity, started, metadata);
        Log.Loaded(_logger, metadata.Id, metadata.Step, metadata.StoredBytes, _telemetry.GetElapsedTime(started).TotalMilliseconds);
    }

    /// <summary>
    /// Reads and verifies a checkpoint's footer, manifest and state section, and every chunk of its binary sections (headers
    /// and checksums) when they store at most <paramref name="binaryChecksumBudget"/> bytes in all; larger ones are not read.
    /// </summary>
    private (Manifest Manifest, ReadOnlyMemory<byte> State, long Length) ReadVerified(CheckpointFileName name, long binaryChecksumBudget)
    {
        var path = Path.Combine(RunDirectory, name.FileName);
        using var file = _store.OpenRead(name.FileName);
        var manifest = CheckpointFileReader.ReadManifest(file, path);
        CheckIdentity(manifest, name, path);
        var state = CheckpointFileReader.ReadSection(file, manifest, FormatConstants.StateSectionName, path);

        // Binary sections are decoded only when the caller reads them (which verifies them again), but a damaged one
        // must make a load fall back now, so every chunk's checksum is checked here, without decompressing.
        if (BinaryStoredBytes(manifest) <= binaryChecksumBudget)
        {
            for (var i = 0; i < manifest.Sections.Count; i++)
            {
                if (manifest.Sections[i].Kind == BinarySectionKind)
                {
                    SectionChunkReader.VerifyStored(file, manifest.Sections[i], i, path);
                }
            }
        }

        lock (_cacheLock)
        {
            _manifestCache[name.FileName] = (manifest, file.Length);
        }

        return (manifest, state, file.Length);
    }

    private static long BinaryStoredBytes(Manifest manifest)
    {
        long total = 0;
        foreach (var section in manifest.Sections)
        {
            if (section.Kind == BinarySectionKind)
            {
                total += section.StoredLength;
            }
        }

        return total;
    }

    private Manifest ReadManifestCached(CheckpointFileName name, long listedLength, out long length)
    {
        lock (_cacheLock)
        {
            if (_manifestCache.TryGetValue(name.FileName, out var cached) && cached.Length == listedLength)
            {
                length = cached.Length;
                return cached.Manifest;
            }
        }

        var path = Path.Combine(RunDirectory, name.FileName);
        using var file = _store.OpenRead(name.FileName);
        var manifest = CheckpointFileReader.ReadManifest(file, path);
        CheckIdentity(manifest, name, path);
        length = file.Length;
        lock (_cacheLock)
        {
            _manifestCache[name.FileName] = (manifest, length);
        }

        return manifest;
    }

    private void CheckIdentity(Manifest manifest, CheckpointFileName name, string path)
    {
        if (manifest.ProcessType != ProcessType || manifest.Name != Name)
        {
            throw CheckpointFileReader.Corrupt(path, $"it belongs to run '{manifest.ProcessType}/{manifest.Name}', not '{ProcessType}/{Name}' (it was copied or renamed into this run)");
        }

        if (manifest.CheckpointId != name.Id || manifest.Step != name.Step)
        {
            throw CheckpointFileReader.Corrupt(path, $"its manifest says it is '{manifest.CheckpointId}' at step {manifest.Step}, which does not match its file name (it was renamed)");
        }
    }

    private SkippedCheckpoint Skip(string fileName, string reason, bool quarantine, Activity? activity)
    {
        Forget(fileName);
        string? movedTo = null;
        if (quarantine && !_options.ReadOnly && !_disposed)
        {
            try
            {
                movedTo = _store.Quarantine(fileName, reason);
                Unindex(fileName);
            }
            catch (CheckpointException)
            {
                // Could not move it; it stays where it is and is skipped again next time.
            }
        }

        Log.Quarantined(_logger, fileName, reason, movedTo);
        RunTelemetry.Skipped(activity, fileName, reason, movedTo);
        return new SkippedCheckpoint(fileName, reason, movedTo);
    }

    private T Deserialize<T>(ReadOnlyMemory<byte> state, CheckpointMetadata metadata)
    {
        T result;
        try
        {
            result = _serializer.Deserialize<T>(state);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            throw new CheckpointSerializationException(
                $"Checkpoint '{metadata.Id}' is intact, but its state could not be read as {typeof(T).Name}: {ex.Message}. " +
                "Did the state type change since it was saved? The checkpoint was left as it is.", ex);
        }

        if (result is IBinarySectionsState owner)
        {
            try
            {
                owner.LoadSections(metadata.Sections);
            }
            catch (Exception ex) when (ex is not CheckpointException and not OutOfMemoryException)
            {
                throw new CheckpointSerializationException(
                    $"Checkpoint '{metadata.Id}' is intact, but {typeof(T).Name}.LoadSections failed: {ex.Message}. The checkpoint was left as it is.", ex);
            }
        }

        return result;
    }

    private List<(CheckpointFileName Name, long Length)> ListNames()
    {
        long version;
        lock (_cacheLock)
        {
            version = _indexVersion;
        }

        var result = new List<(CheckpointFileName Name, long Length)>();
        foreach (var entry in _store.ListCheckpointFiles())
        {
            if (IsPublishing(entry.Name))
            {
                continue;
            }

            if (CheckpointFileName.TryParse(entry.Name, out var parsed) && parsed is not null)
            {
                result.Add((parsed, entry.Length));
            }
            else
            {
                Log.IgnoredFile(_logger, entry.Name, RunDirectory);
            }
        }

        if (!_options.ReadOnly)
        {
            lock (_cacheLock)
            {
                if (_indexVersion == version)
                {
                    _index = new(result.Count, StringComparer.Ordinal);
                    foreach (var n in result)
                    {
                        _index.Add(n.Name.FileName, n);
                    }

                    _indexVersion++;
                }
            }
        }

        return result;
    }

    private void EnsureIndex()
    {
        lock (_cacheLock)
        {
            if (_index is not null)
            {
                return;
            }
        }

        ListNames();
    }

    private bool IsPublishing(string fileName)
    {
        lock (_cacheLock)
        {
            return _publishing.Count > 0 && _publishing.Contains(fileName);
        }
    }

    private bool IsIndexed(string fileName)
    {
        lock (_cacheLock)
        {
            return _index?.ContainsKey(fileName) == true;
        }
    }

    /// <summary>The run's checkpoint files as this writer knows them, without touching the disk once it has listed them.</summary>
    private List<(CheckpointFileName Name, long Length)> IndexedNames()
    {
        lock (_cacheLock)
        {
            if (_index is not null)
            {
                return [.. _index.Values];
            }
        }

        return ListNames();
    }

    private void Unindex(string fileName)
    {
        lock (_cacheLock)
        {
            if (_index is not null && _index.Remove(fileName))
            {
                _indexVersion++;
            }
        }
    }

    private void Forget(string fileName)
    {
        lock (_cacheLock)
        {
            _manifestCache.Remove(fileName);
        }
    }

    private CheckpointMetadata ToMetadata(Manifest m, CheckpointFileName name, long storedLength, bool publishedLate = false) => new()
    {
        IsPublishedLate = publishedLate,
        Id = name.Id,
        ProcessType = m.ProcessType,
        Name = m.Name,
        Step = m.Step,
        TotalSteps = m.TotalSteps,
        TimestampUtc = m.CreatedUtc,
        Status = m.Status,
        Metrics = m.Metrics,
        Tags = m.Tags,
        StoredBytes = storedLength,
        StateBytes = m.Sections.Find(s => s.Name == FormatConstants.StateSectionName)?.RawLength ?? 0,
        StateStoredBytes = m.Sections.Find(s => s.Name == FormatConstants.StateSectionName)?.StoredLength ?? 0,
        Compression = m.Compression switch
        {
            "gzip" => CheckpointCompression.Gzip,
            "zstd" => CheckpointCompression.Zstd,
            _ => CheckpointCompression.None,
        },
        Checksum = m.PayloadChecksum,
        WriterHost = m.WriterHost,
        WriterProcessId = m.WriterProcessId,
        WriterGeneration = m.WriterGeneration,
        FormatVersion = m.FormatVersion,
        JournalSequence = m.JournalSequence,
        WriteDuration = ManifestExtras.Duration(m.WriteMs),
        PreviousSave = ManifestExtras.PreviousSave(m.PreviousSave),
        Retention = ManifestExtras.Retention(m.Retention),
        FilePath = Path.Combine(RunDirectory, name.FileName),
        Sections = BinarySectionsOf(m, name),
    };

    private BinarySectionSet BinarySectionsOf(Manifest m, CheckpointFileName name)
    {
        if (!m.Sections.Exists(s => s.Kind == BinarySectionKind))
        {
            return BinarySectionSet.Empty;
        }

        var access = new SectionFileAccess(() => _store.OpenRead(name.FileName), Path.Combine(RunDirectory, name.FileName), name.Id, m.PayloadChecksum);
        return new BinarySectionSet(
            [.. m.Sections.Where(s => s.Kind == BinarySectionKind).Select(s => new BinarySection(s.Name, s.ElementType ?? ElementTypes.Bytes, s.RawLength, s.StoredLength, access))],
            name.Id);
    }

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(_disposed, this);

    private void ThrowIfReadOnly()
    {
        if (_options.ReadOnly)
        {
            throw new InvalidOperationException($"The manager for '{ProcessType}/{Name}' was opened read-only; open it without CheckpointOptions.ReadOnly to save or delete.");
        }
    }
}
