using System.Collections.Concurrent;
using System.Runtime.ExceptionServices;
using Checkpointing.Diagnostics;
using Checkpointing.Journaling;
using Checkpointing.RecordLog;
using Checkpointing.Randomness;
using Checkpointing.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Checkpointing.Studies;

/// <summary>
/// A resumable hyperparameter search (define-and-run, like an Optuna study): a sampler chooses each
/// trial's parameters from a <see cref="SearchSpace"/>, your objective returns a value, and every
/// finished trial is committed to a small append-only journal (<c>study.journal</c> in the
/// manager's run directory) before anything else happens. Run the same program again after a
/// crash, kill or Ctrl+C and <see cref="CreateOrResume"/> continues with the same trials, the same
/// random stream and the remaining count: at most the trial that was running is redone, with the
/// same parameters.
/// </summary>
/// <remarks>
/// <code>
/// using var manager = new CheckpointManager("hpo", "mnist");
/// var space = new SearchSpace().AddFloat("lr", 1e-5, 1e-1, log: true).AddInt("hidden", 8, 128);
/// using var study = Study.CreateOrResume(manager, space, new StudyOptions { Direction = StudyDirection.Maximize, Seed = 42 });
/// study.Optimize(trial => Train(trial.GetFloat("lr"), trial.GetInt("hidden")), nTrials: 50);
/// Console.WriteLine($"best {study.BestValue} with {string.Join(", ", study.BestTrial!.Params)}");
/// </code>
/// A study is not thread-safe and runs one trial at a time. Dispose it (before the manager) so the
/// journal records that this session ended; a session that never did counts as an interruption.
/// For a fixed seed, the sampled parameters are identical on the same runtime and platform whether
/// the study ran in one go or was resumed any number of times.
/// </remarks>
public sealed class Study : IDisposable
{
    /// <summary>The journal's file name inside the manager's run directory.</summary>
    public const string JournalFileName = "study.journal";

    private static readonly ConcurrentDictionary<(IFileSystem FileSystem, string Path), bool> OpenJournals = new();

    private readonly AppendOnlyLog _log;
    private readonly (IFileSystem FileSystem, string Path) _journalKey;
    private readonly SearchSpace _space;
    private readonly ISampler _sampler;
    private readonly CheckpointableRandom _random;
    private readonly List<FinishedTrial> _trials;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly bool _catchObjectiveExceptions;
    private RandomState _randomAfterLastTrial;
    private bool _optimizing;
    private bool _sessionFailed;
    private bool _disposed;

    private Study(StudyJournal.Header header, StudyOptions options, ISampler sampler, AppendOnlyLog log, (IFileSystem, string) journalKey, Replay replay, ILogger logger)
    {
        _log = log;
        _journalKey = journalKey;
        _space = header.Space;
        Direction = header.Direction;
        Seed = header.Seed;
        _sampler = sampler;
        _time = options.TimeProvider ?? TimeProvider.System;
        _logger = logger;
        _catchObjectiveExceptions = options.CatchObjectiveExceptions;
        _trials = replay.Trials;
        _randomAfterLastTrial = replay.RandomState ?? new CheckpointableRandom(header.Seed).State;
        _random = new CheckpointableRandom(_randomAfterLastTrial);
        ResumedTrials = _trials.Count;
        Sessions = replay.Sessions + 1;
        Interruptions = replay.InterruptedSessions;
        InterruptedTrialNumber = replay.InterruptedTrialNumber;
        foreach (var trial in _trials)
        {
            UpdateBest(trial);
        }
    }

    /// <summary>The parameters this study searches (a copy; the study's own space never changes).</summary>
    public SearchSpace Space => _space.Copy();

    /// <summary>Whether smaller or larger values are better.</summary>
    public StudyDirection Direction { get; }

    /// <summary>The seed the study was created with.</summary>
    public ulong Seed { get; }

    /// <summary>The full path of the study's journal.</summary>
    public string JournalPath => _log.Path;

    /// <summary>Every finished trial (complete and failed), in order of <see cref="FinishedTrial.Number"/>.</summary>
    public IReadOnlyList<FinishedTrial> Trials => _trials;

    /// <summary>
    /// How many trials have finished, whether complete or failed (the count that <c>nTrials</c> of
    /// <see cref="Optimize(Func{Trial, double}, int, IEnumerable{IStudyCallback}?, CancellationToken)"/> is compared with).
    /// </summary>
    public int CompletedTrials => _trials.Count;

    /// <summary>The <c>nTrials</c> of the current or last <c>Optimize</c> call in this session; null before the first.</summary>
    public int? TargetTrials { get; private set; }

    /// <summary>The complete trial with the best value (the earliest among equals); null when none has completed.</summary>
    public FinishedTrial? BestTrial { get; private set; }

    /// <summary>The best value so far; null when no trial has completed.</summary>
    public double? BestValue => BestTrial?.Value;

    /// <summary>How many sessions (runs of a program that opened the study) there have been, this one included.</summary>
    public int Sessions { get; }

    /// <summary>
    /// How many earlier sessions ended interrupted: killed or crashed (they never recorded their end),
    /// or stopped by cancellation or an exception before reaching their target.
    /// </summary>
    public int Interruptions { get; }

    /// <summary>
    /// The number of the trial that an earlier session started but never finished (killed, or
    /// abandoned on cancellation); it is the next trial to run, with the same parameters. Null when
    /// no work is being redone.
    /// </summary>
    public int? InterruptedTrialNumber { get; }

    /// <summary>True when the last <c>Optimize</c> call returned early because its cancellation token fired.</summary>
    public bool WasInterrupted { get; private set; }

    /// <summary>How many finished trials were loaded from the journal when this session opened the study.</summary>
    public int ResumedTrials { get; }

    /// <summary>
    /// Opens the study kept in <paramref name="manager"/>'s run directory, or creates it there.
    /// A resumed study keeps its trials and random stream and checks that <paramref name="space"/>,
    /// the direction and the seed are the ones it was created with.
    /// </summary>
    /// <param name="manager">A writable manager; the study's journal lives in its run directory, guarded by its writer lock. Keep it open while the study is used.</param>
    /// <param name="space">The parameters to search; at least one.</param>
    /// <param name="options">Direction, sampler, seed and more; null uses the defaults.</param>
    /// <exception cref="ArgumentException">The manager is read-only, the space is empty or an option is invalid.</exception>
    /// <exception cref="StudyMismatchException">The existing study was created with another space, direction or seed.</exception>
    /// <exception cref="CheckpointCorruptException">The journal holds something this library did not write.</exception>
    /// <exception cref="CheckpointVersionException">The journal was written by a newer version of the library.</exception>
    /// <exception cref="CheckpointStorageException">The journal could not be read, created or written.</exception>
    /// <exception cref="InvalidOperationException">This process already has the study open (dispose that <see cref="Study"/> first).</exception>
    public static Study CreateOrResume(CheckpointManager manager, SearchSpace space, StudyOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(manager);
        ArgumentNullException.ThrowIfNull(space);
        ObjectDisposedException.ThrowIf(manager.IsDisposed, manager);
        if (manager.IsReadOnly)
        {
            throw new ArgumentException("The manager is read-only; a study writes its journal, so open the manager without CheckpointOptions.ReadOnly.", nameof(manager));
        }

        if (space.Parameters.Count == 0)
        {
            throw new ArgumentException("The search space declares no parameters; add at least one with AddFloat, AddInt or AddCategorical.", nameof(space));
        }

        options ??= new StudyOptions();
        options.Validate();
        var time = options.TimeProvider ?? TimeProvider.System;
        var logger = (ILogger?)options.LoggerFactory?.CreateLogger<Study>() ?? NullLogger.Instance;
        var path = Path.Combine(manager.RunDirectory, JournalFileName);
        var key = (manager.FileSystem, path);
        if (!OpenJournals.TryAdd(key, true))
        {
            throw new InvalidOperationException($"The study in '{path}' is already open in this process; dispose that Study before opening it again.");
        }

        AppendOnlyLog log;
        try
        {
            log = AppendOnlyLog.Open(path, manager.FileSystem, time);
        }
        catch
        {
            OpenJournals.TryRemove(key, out _);
            throw;
        }

        try
        {
            if (log.CutBytes > 0)
            {
                Log.JournalTailCut(logger, log.CutBytes, log.Path);
            }

            if (log.DamagedTailPath is not null)
            {
                Log.JournalDamagedTailKept(logger, log.Path, log.DamagedTailPath);
            }

            var requested = new StudyJournal.Header(options.Direction, options.Seed, space.Copy(), time.GetUtcNow());
            StudyJournal.Header header;
            Replay replay;
            if (log.Records.Count == 0)
            {
                header = requested;
                replay = new Replay();
                log.Append(StudyJournal.Encode(header));
                Log.StudyCreated(logger, log.Path, header.Direction.ToString(), header.Seed, header.Space.Parameters.Count);
            }
            else
            {
                (header, replay) = Read(log.Records, log.Path);
                CheckMatches(header, requested, log.Path);
            }

            var sampler = options.Sampler ?? new TpeSampler();
            log.Append(StudyJournal.Encode(new StudyJournal.Session(replay.Sessions + 1, time.GetUtcNow(), Environment.ProcessId, Environment.MachineName, sampler.GetType().Name)));
            log.Commit();
            var study = new Study(header, options, sampler, log, key, replay, logger);
            if (replay.Sessions > 0)
            {
                Log.StudyResumed(logger, log.Path, study.CompletedTrials, study.BestValue, study.Sessions, study.Interruptions);
            }

            if (study.InterruptedTrialNumber is int redone)
            {
                Log.TrialRedone(logger, redone);
            }

            return study;
        }
        catch
        {
            log.Dispose();
            OpenJournals.TryRemove(key, out _);
            throw;
        }
    }

    /// <summary>True when <paramref name="manager"/>'s run directory holds a study journal (a study to resume).</summary>
    /// <exception cref="CheckpointStorageException">The run directory could not be read.</exception>
    public static bool Exists(CheckpointManager manager)
    {
        ArgumentNullException.ThrowIfNull(manager);
        var path = Path.Combine(manager.RunDirectory, JournalFileName);
        try
        {
            return manager.FileSystem.FileExists(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new CheckpointStorageException($"Could not check for the study journal '{path}': {ex.Message}", isTransient: false, ex);
        }
    }

    /// <summary>
    /// Reads the study kept in <paramref name="manager"/>'s run directory without changing it or taking any lock:
    /// verifies every record of its journal (judged as <see cref="CreateOrResume"/> would judge it, see
    /// <see cref="JournalFileHealth"/>) and replays its settings and finished trials. Works with a read-only manager
    /// and while the study runs. Returns null when the run has no study.
    /// </summary>
    /// <exception cref="CheckpointVersionException">The journal was written by a newer version of the library.</exception>
    /// <exception cref="CheckpointStorageException">The journal could not be read.</exception>
    public static StudyInspection? Inspect(CheckpointManager manager)
    {
        ArgumentNullException.ThrowIfNull(manager);
        ObjectDisposedException.ThrowIf(manager.IsDisposed, manager);
        if (!Exists(manager))
        {
            return null;
        }

        var path = Path.Combine(manager.RunDirectory, JournalFileName);
        AppendOnlyLog.ScanResult scan;
        try
        {
            scan = AppendOnlyLog.Scan(manager.FileSystem, path);
        }
        catch (CheckpointCorruptException ex)
        {
            var length = SegmentFile.Guard("measure the study journal", path, () =>
            {
                using var opened = manager.FileSystem.OpenRead(path);
                return opened.Length;
            });

            return StudyInspection.WithoutHeader(path, new JournalFileInspection
            {
                FileName = JournalFileName,
                FirstSequence = 1,
                RecordCount = 0,
                Bytes = length,
                ValidBytes = 0,
                Health = JournalFileHealth.Damaged,
                ProblemOffset = 0,
                Problem = ex.Reason ?? ex.Message,
            });
        }

        var file = InspectFile(manager.FileSystem, path, scan);
        if (scan.Records.Count == 0)
        {
            // Created, but the header never became durable: CreateOrResume starts the study afresh.
            return StudyInspection.WithoutHeader(path, file);
        }

        try
        {
            var (header, replay) = Read(scan.Records, path);
            return new StudyInspection
            {
                JournalPath = path,
                File = file,
                Direction = header.Direction,
                Seed = header.Seed,
                Created = header.Created,
                Space = header.Space.Copy(),
                Trials = replay.Trials,
                BestTrial = replay.Trials.Aggregate((FinishedTrial?)null, (best, t) => IsBetter(header.Direction, t, best) ? t : best),
                Sessions = replay.Sessions,
                Interruptions = replay.InterruptedSessions,
                InterruptedTrialNumber = replay.InterruptedTrialNumber,
            };
        }
        catch (CheckpointCorruptException ex)
        {
            return StudyInspection.WithoutHeader(path, file with { Health = JournalFileHealth.Damaged, Problem = ex.Reason ?? ex.Message });
        }
    }

    /// <summary>Judges the scanned study journal as <see cref="AppendOnlyLog.Open"/> does: a tail with verifiable records after it, or too long to search, is damage; any other tail is a torn append.</summary>
    private static JournalFileInspection InspectFile(IFileSystem fs, string path, AppendOnlyLog.ScanResult scan)
    {
        var file = new JournalFileInspection
        {
            FileName = JournalFileName,
            FirstSequence = 1,
            RecordCount = scan.Records.Count,
            Bytes = scan.FileLength,
            ValidBytes = scan.ValidLength,
            Health = JournalFileHealth.Valid,
        };
        if (scan.ValidLength == scan.FileLength)
        {
            return file;
        }

        var at = scan.ValidLength;
        var what = JournalInspector.Describe(fs, path, at, scan.NextSequence);
        var tail = scan.FileLength - at;
        return scan.TailHasValidRecords
            ? file with
            {
                Health = JournalFileHealth.Damaged,
                ProblemOffset = at,
                Problem = scan.TailTooLarge
                    ? FormattableString.Invariant($"the record at offset {at} (sequence {scan.NextSequence}) is damaged: {what}; {tail} unreadable bytes follow, more than an interrupted append leaves (opening the study fails)")
                    : FormattableString.Invariant($"the record at offset {at} (sequence {scan.NextSequence}) is damaged: {what}; verifiable records follow it"),
            }
            : file with
            {
                Health = JournalFileHealth.TornTail,
                ProblemOffset = at,
                Problem = FormattableString.Invariant($"the last {tail} byte(s), from offset {at}, are an interrupted append: {what}; opening the study cuts them (they were never committed)"),
            };
    }

    /// <summary>
    /// Deletes the study kept in <paramref name="manager"/>'s run directory (its journal), durably, so the
    /// next <see cref="CreateOrResume"/> starts a new study. Checkpoints are not touched (see
    /// <see cref="CheckpointManager.DeleteAll"/>). Returns false when there was no study.
    /// </summary>
    /// <exception cref="ArgumentException">The manager is read-only.</exception>
    /// <exception cref="InvalidOperationException">The study is open in this process; dispose it first.</exception>
    /// <exception cref="CheckpointStorageException">The journal could not be deleted.</exception>
    public static bool Delete(CheckpointManager manager)
    {
        ArgumentNullException.ThrowIfNull(manager);
        ObjectDisposedException.ThrowIf(manager.IsDisposed, manager);
        if (manager.IsReadOnly)
        {
            throw new ArgumentException("The manager is read-only; open it without CheckpointOptions.ReadOnly to delete a study.", nameof(manager));
        }

        var path = Path.Combine(manager.RunDirectory, JournalFileName);
        if (OpenJournals.ContainsKey((manager.FileSystem, path)))
        {
            throw new InvalidOperationException($"The study in '{path}' is open in this process; dispose that Study before deleting it.");
        }

        try
        {
            if (!manager.FileSystem.FileExists(path))
            {
                return false;
            }

            manager.FileSystem.Delete(path);
            manager.FileSystem.SyncDirectory(manager.RunDirectory);
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new CheckpointStorageException($"Could not delete the study journal '{path}': {ex.Message}", isTransient: false, ex);
        }
    }

    /// <summary>
    /// Runs trials until <see cref="CompletedTrials"/> reaches <paramref name="nTrials"/> — the total
    /// for the study, so after a resume only the remaining trials run — or until
    /// <paramref name="cancellationToken"/> fires. Each finished trial is durable in the journal
    /// before the callbacks see it and before the next trial starts.
    /// </summary>
    /// <param name="objective">Evaluates a trial and returns its value. An exception (or NaN) records the trial as <see cref="TrialState.Failed"/>; see <see cref="StudyOptions.CatchObjectiveExceptions"/>.</param>
    /// <param name="nTrials">The total number of trials the study should have; ≥ 0.</param>
    /// <param name="callbacks">Called after each finished trial, in order.</param>
    /// <param name="cancellationToken">Checked between trials: the running trial finishes and is recorded, then the method returns with <see cref="WasInterrupted"/> set. No exception is thrown.</param>
    /// <exception cref="CheckpointStorageException">A trial could not be made durable; the study accepts no more trials (open it again).</exception>
    /// <exception cref="InvalidOperationException">Optimize is already running (called from a callback or the objective).</exception>
    public void Optimize(Func<Trial, double> objective, int nTrials, IEnumerable<IStudyCallback>? callbacks = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(objective);
        Optimize((trial, _) => objective(trial), nTrials, callbacks, cancellationToken);
    }

    /// <summary>
    /// Like <see cref="Optimize(Func{Trial, double}, int, IEnumerable{IStudyCallback}?, CancellationToken)"/>, but the objective
    /// also gets the token, so it can abandon a long trial: an <see cref="OperationCanceledException"/> it throws
    /// once the token has fired discards that trial unrecorded (a resumed study runs it again with the same parameters).
    /// </summary>
    /// <param name="objective">Evaluates a trial and returns its value; may observe the token.</param>
    /// <param name="nTrials">The total number of trials the study should have; ≥ 0.</param>
    /// <param name="callbacks">Called after each finished trial, in order.</param>
    /// <param name="cancellationToken">Checked between trials and passed to the objective.</param>
    /// <exception cref="CheckpointStorageException">A trial could not be made durable; the study accepts no more trials (open it again).</exception>
    /// <exception cref="InvalidOperationException">Optimize is already running (called from a callback or the objective).</exception>
    public void Optimize(Func<Trial, CancellationToken, double> objective, int nTrials, IEnumerable<IStudyCallback>? callbacks = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(objective);
        ArgumentOutOfRangeException.ThrowIfNegative(nTrials);
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_optimizing)
        {
            throw new InvalidOperationException("Optimize is already running on this study; it cannot be called from a callback or the objective.");
        }

        var observers = callbacks?.ToArray() ?? [];
        _optimizing = true;
        TargetTrials = nTrials;
        WasInterrupted = false;
        try
        {
            while (_trials.Count < nTrials)
            {
                if (cancellationToken.IsCancellationRequested)
                {
                    Stop();
                    break;
                }

                if (!RunTrial(objective, observers, cancellationToken))
                {
                    Stop();
                    break;
                }
            }
        }
        catch
        {
            _sessionFailed = true;
            throw;
        }
        finally
        {
            _optimizing = false;
        }
    }

    /// <summary>A plain copy of the study's progress to save in a checkpoint.</summary>
    public StudySnapshot CreateSnapshot() => new()
    {
        Direction = Direction,
        Seed = Seed,
        Trials = _trials.ToArray(),
        BestTrialNumber = BestTrial?.Number,
        BestValue = BestValue,
        RandomState = _randomAfterLastTrial,
        Sessions = Sessions,
    };

    /// <summary>Records the end of this session in the journal and closes it. Never throws: a failure to record is logged.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        try
        {
            _log.Append(StudyJournal.Encode(new StudyJournal.SessionEnd(Sessions, WasInterrupted || _sessionFailed, _time.GetUtcNow())));
            _log.Commit();
        }
        catch (Exception ex)
        {
            Log.StudySessionEndFailed(_logger, ex, _log.Path);
        }
        finally
        {
            _log.Dispose();
            OpenJournals.TryRemove(_journalKey, out _);
        }
    }

    /// <summary>Runs the next trial; false when the objective abandoned it on cancellation.</summary>
    private bool RunTrial(Func<Trial, CancellationToken, double> objective, IStudyCallback[] observers, CancellationToken cancellationToken)
    {
        var number = _trials.Count;
        _random.State = _randomAfterLastTrial;
        var parameters = SampleChecked();
        var randomAfterSampling = _random.State;
        var trial = new Trial(number, _space, parameters);
        _log.Append(StudyJournal.Encode(new StudyJournal.TrialStarted(number, parameters)));

        var started = _time.GetTimestamp();
        double? value = null;
        string? error = null;
        ExceptionDispatchInfo? rethrow = null;
        try
        {
            value = objective(trial, cancellationToken);
            if (double.IsNaN(value.Value))
            {
                value = null;
                error = "The objective returned NaN.";
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            Log.TrialAbandoned(_logger, number);
            return false;
        }
        catch (Exception ex)
        {
            error = $"{ex.GetType().FullName}: {ex.Message}";
            if (!_catchObjectiveExceptions)
            {
                rethrow = ExceptionDispatchInfo.Capture(ex);
            }
        }

        var finished = new FinishedTrial
        {
            Number = number,
            Params = parameters,
            Value = value,
            State = error is null ? TrialState.Complete : TrialState.Failed,
            Duration = _time.GetElapsedTime(started),
            FinishedAt = _time.GetUtcNow(),
            Error = error,
            IntermediateValues = trial.IntermediateValues(),
        };
        _log.Append(StudyJournal.Encode(new StudyJournal.TrialFinished(finished, randomAfterSampling)));
        _log.Commit();
        _trials.Add(finished);
        _randomAfterLastTrial = randomAfterSampling;
        UpdateBest(finished);
        if (finished.State == TrialState.Complete)
        {
            Log.TrialFinished(_logger, number, finished.Value!.Value, finished.Duration.TotalMilliseconds, BestValue);
        }
        else
        {
            Log.TrialFailed(_logger, number, error!);
        }

        foreach (var observer in observers)
        {
            observer.OnTrialFinished(this, finished);
        }

        rethrow?.Throw();
        return true;
    }

    private IReadOnlyDictionary<string, ParameterValue> SampleChecked()
    {
        var sampled = _sampler.Sample(_space, _trials, Direction, _random)
            ?? throw new InvalidOperationException($"The sampler {_sampler.GetType().Name} returned null.");
        var result = new Dictionary<string, ParameterValue>(_space.Parameters.Count, StringComparer.Ordinal);
        foreach (var definition in _space.Parameters)
        {
            if (!sampled.TryGetValue(definition.Name, out var value))
            {
                throw new InvalidOperationException($"The sampler {_sampler.GetType().Name} chose no value for parameter '{definition.Name}'.");
            }

            if (!definition.Contains(value))
            {
                throw new InvalidOperationException($"The sampler {_sampler.GetType().Name} chose {value} ({value.Kind}) for parameter '{definition}', which is outside it.");
            }

            result[definition.Name] = value;
        }

        if (sampled.Count != result.Count)
        {
            var extra = sampled.Keys.First(k => !result.ContainsKey(k));
            throw new InvalidOperationException($"The sampler {_sampler.GetType().Name} chose a value for '{extra}', which is not in the search space.");
        }

        return result.AsReadOnly();
    }

    private void Stop()
    {
        WasInterrupted = true;
        Log.OptimizeInterrupted(_logger, _trials.Count, TargetTrials ?? _trials.Count);
    }

    private void UpdateBest(FinishedTrial trial)
    {
        if (IsBetter(Direction, trial, BestTrial))
        {
            BestTrial = trial;
        }
    }

    /// <summary>True when <paramref name="trial"/> completed with a value strictly better than <paramref name="best"/>'s (so the earliest of equals stays best).</summary>
    private static bool IsBetter(StudyDirection direction, FinishedTrial trial, FinishedTrial? best) =>
        trial.State == TrialState.Complete && trial.Value is double value
        && (best?.Value is not double bestValue || (direction == StudyDirection.Minimize ? value < bestValue : value > bestValue));

    private static (StudyJournal.Header Header, Replay Replay) Read(IReadOnlyList<LogRecord> records, string path)
    {
        StudyJournal.Header? header = null;
        var replay = new Replay();
        var sessionOpen = false;
        int? started = null;
        foreach (var record in records)
        {
            object? entry;
            try
            {
                entry = StudyJournal.Decode(record.Payload, header?.Space);
            }
            catch (FormatException ex)
            {
                throw Corrupt(path, $"record {record.Sequence} (at byte {record.Offset}) is not a valid study record: {ex.Message}");
            }

            if (header is null)
            {
                if (entry is not StudyJournal.Header first)
                {
                    throw Corrupt(path, "its first record is not the study header");
                }

                if (first.Format > StudyJournal.FormatVersion)
                {
                    throw new CheckpointVersionException(
                        $"The study journal '{path}' uses study format {first.Format}; this library reads format {StudyJournal.FormatVersion}. Use a newer version of the library.",
                        path,
                        first.Format);
                }

                header = first;
                continue;
            }

            switch (entry)
            {
                case StudyJournal.Header:
                    throw Corrupt(path, $"record {record.Sequence} is a second study header");
                case StudyJournal.Session:
                    if (sessionOpen)
                    {
                        replay.InterruptedSessions++;
                    }

                    replay.Sessions++;
                    sessionOpen = true;
                    break;
                case StudyJournal.SessionEnd end:
                    if (end.Interrupted)
                    {
                        replay.InterruptedSessions++;
                    }

                    sessionOpen = false;
                    break;
                case StudyJournal.TrialStarted s:
                    started = s.Number;
                    break;
                case StudyJournal.TrialFinished finished:
                    if (finished.Trial.Number != replay.Trials.Count)
                    {
                        throw Corrupt(path, $"record {record.Sequence} is trial {finished.Trial.Number}, but trial {replay.Trials.Count} was expected");
                    }

                    replay.Trials.Add(finished.Trial);
                    replay.RandomState = finished.RandomState;
                    break;
            }
        }

        if (sessionOpen)
        {
            replay.InterruptedSessions++;
        }

        replay.InterruptedTrialNumber = started == replay.Trials.Count ? started : null;
        return (header!, replay);
    }

    private static void CheckMatches(StudyJournal.Header existing, StudyJournal.Header requested, string path)
    {
        var differences = new List<string>();
        if (existing.Direction != requested.Direction)
        {
            differences.Add($"direction {requested.Direction} (the study's is {existing.Direction})");
        }

        if (existing.Seed != requested.Seed)
        {
            differences.Add($"seed {requested.Seed} (the study's is {existing.Seed})");
        }

        if (!existing.Space.SameAs(requested.Space))
        {
            differences.Add(
                $"a different search space:{Environment.NewLine}  requested: {string.Join("; ", requested.Space.Parameters)}{Environment.NewLine}  the study's: {string.Join("; ", existing.Space.Parameters)}");
        }

        if (differences.Count > 0)
        {
            throw new StudyMismatchException(
                $"The study in '{path}' was created with other settings; this run asked for {string.Join(", and ", differences)}. " +
                "Run with the study's settings to resume it, or start a new study under another run name (or delete the journal).",
                path);
        }
    }

    private static CheckpointCorruptException Corrupt(string path, string what) =>
        new($"The study journal '{path}' is damaged or was not written by this library: {what}. It was left untouched; move it away to start a new study.", path)
        {
            Reason = what,
        };

    private sealed class Replay
    {
        public List<FinishedTrial> Trials { get; } = [];

        public RandomState? RandomState { get; set; }

        public int Sessions { get; set; }

        public int InterruptedSessions { get; set; }

        public int? InterruptedTrialNumber { get; set; }
    }
}
