using Checkpointing.Hosting.Diagnostics;
using Checkpointing.Interrupts;
using Checkpointing.Training;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Checkpointing.Hosting;

/// <summary>
/// A <see cref="BackgroundService"/> whose work is a sequence of steps over one state, checkpointed so the
/// service carries on where it stopped: when the host starts it resumes from the run's newest valid
/// checkpoint (or <see cref="CreateInitialState"/>), runs <see cref="ExecuteStepAsync"/> step after step,
/// saves as <see cref="CheckpointedServiceOptions"/> says, and when the host stops (Ctrl+C, SIGTERM from
/// <c>docker stop</c> or Kubernetes, <c>IHostApplicationLifetime.StopApplication</c>) writes a final checkpoint
/// with status <see cref="CheckpointStatus.Interrupted"/> within <see cref="HostOptions.ShutdownTimeout"/>.
/// </summary>
/// <typeparam name="TState">The state: everything the work needs to continue (progress, totals, random generator state), serialisable by the configured serializer.</typeparam>
/// <remarks>
/// <para>
/// Why steps and not a free-form loop: the base class must know, at the moment the host stops, a state
/// that matches a step count. A step boundary is that moment; between steps the state is consistent, so
/// the final checkpoint is exact and the next start neither redoes nor skips work. A step should take
/// well under the shutdown timeout (a batch of records, a page of results, one epoch of a small model).
/// </para>
/// <para>
/// The final checkpoint's status says how the run stopped: <see cref="CheckpointStatus.Completed"/> when
/// <see cref="GetTotalSteps"/> is reached (the application is then stopped, unless
/// <see cref="CheckpointedServiceOptions.StopApplicationWhenCompleted"/> is off; a later start finds the run
/// completed and does nothing), <see cref="CheckpointStatus.Interrupted"/> when the host stopped, and
/// <see cref="CheckpointStatus.Failed"/> when a step threw: the state of the newest checkpoint (not the
/// in-memory state, which the failed step may have changed part-way) is saved again with the error in its
/// tags, the exception propagates (the host logs it and, by default, stops), and the next start runs the
/// steps after that checkpoint again, the failed one included. Checkpoints carry the <see cref="TrainingCheckpointCallback"/> tags
/// (<c>sessions</c>, <c>trigger</c>, <c>error</c>, <c>stack</c>).
/// </para>
/// <para>
/// Every save and every step is timed; when the longest save (plus, with
/// <see cref="InterruptMode.FinishCurrentUnit"/>, the longest step) would not fit in 90% of
/// <see cref="HostOptions.ShutdownTimeout"/>, a warning (event 308) says so and what to raise. If the timeout
/// runs out all the same, an error (event 309) says which step the next start resumes from; the previous
/// checkpoint stays valid whatever moment the process ends at.
/// </para>
/// <para>
/// Register it with <c>services.AddCheckpointing()</c> and <c>services.AddHostedService&lt;MyWorker&gt;()</c>.
/// The run is locked for writing while the service runs, so a second instance of the process gets
/// <see cref="CheckpointLockedException"/> and stops.
/// </para>
/// </remarks>
public abstract class CheckpointedBackgroundService<TState> : BackgroundService
{
    /// <summary>Of <see cref="HostOptions.ShutdownTimeout"/>, the part a final checkpoint should fit in; the rest is for the other services and the host.</summary>
    private const double ShutdownBudgetShare = 0.9;

    private readonly CheckpointedServiceDependencies _dependencies;
    private readonly TimeSpan? _saveEvery;
    private readonly int? _saveEveryNSteps;
    private readonly InterruptMode _interruptMode;
    private readonly bool _stopWhenCompleted;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly Lock _gate = new();
    private CheckpointMetadata? _lastCheckpoint;
    private TimeSpan? _longestSave;
    private TimeSpan? _longestStep;
    private TimeSpan _warnedAt;

    /// <summary>Creates the service for the run <c>&lt;root&gt;/&lt;processType&gt;/&lt;name&gt;/</c>.</summary>
    /// <param name="dependencies">The host's services (injected; registered by <c>AddCheckpointing</c>).</param>
    /// <param name="processType">The kind of process, e.g. <c>batch</c>: a single directory name.</param>
    /// <param name="name">The run's name, e.g. <c>nightly_import</c>: a single directory name.</param>
    /// <param name="options">How to save and stop; null uses the defaults. Read here, not later.</param>
    /// <exception cref="ArgumentException">A name is empty, or an option is out of range.</exception>
    protected CheckpointedBackgroundService(CheckpointedServiceDependencies dependencies, string processType, string name, CheckpointedServiceOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(dependencies);
        ArgumentException.ThrowIfNullOrWhiteSpace(processType);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        options ??= new CheckpointedServiceOptions();
        if (options.SaveEvery is { } every && every <= TimeSpan.Zero)
        {
            throw new ArgumentException($"CheckpointedServiceOptions.SaveEvery is {every}; it must be positive, or null to turn it off.", nameof(options));
        }

        if (options.SaveEveryNSteps is <= 0)
        {
            throw new ArgumentException($"CheckpointedServiceOptions.SaveEveryNSteps is {options.SaveEveryNSteps}; it must be positive, or null to turn it off.", nameof(options));
        }

        if (!Enum.IsDefined(options.InterruptMode))
        {
            throw new ArgumentException($"CheckpointedServiceOptions.InterruptMode has the undefined value {(int)options.InterruptMode}.", nameof(options));
        }

        _dependencies = dependencies;
        ProcessType = processType;
        Name = name;
        _saveEvery = options.SaveEvery;
        _saveEveryNSteps = options.SaveEveryNSteps;
        _interruptMode = options.InterruptMode;
        _stopWhenCompleted = options.StopApplicationWhenCompleted;
        _logger = dependencies.LoggerFactory.CreateLogger(GetType());
        _time = dependencies.TimeProvider;
    }

    /// <summary>The run's process type.</summary>
    public string ProcessType { get; }

    /// <summary>The run's name.</summary>
    public string Name { get; }

    /// <summary>
    /// The newest durable checkpoint of this service: the one it resumed from, then each it saved. After the
    /// host stopped, its <see cref="CheckpointMetadata.Status"/> says how the run ended (check
    /// <see cref="BackgroundService.ExecuteTask"/> too: a failed final save leaves the previous one here).
    /// </summary>
    public CheckpointMetadata? LastCheckpoint
    {
        get
        {
            lock (_gate)
            {
                return _lastCheckpoint;
            }
        }
    }

    /// <summary>
    /// Waits, as <see cref="BackgroundService.StopAsync"/> does, for the running step and the final checkpoint,
    /// at most until <paramref name="cancellationToken"/> fires (the host's shutdown timeout); logs an error
    /// naming the step the next start resumes from when the timeout ran out first.
    /// </summary>
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        if (ExecuteTask is { IsCompleted: false })
        {
            HostingLog.ShutdownTimedOut(_logger, _dependencies.HostOptions.Value.ShutdownTimeout.TotalSeconds, ProcessType, Name, LastCheckpoint?.Step);
        }
    }

    /// <summary>The state of a run that has no checkpoint yet.</summary>
    protected abstract TState CreateInitialState();

    /// <summary>
    /// Runs one step of the work and returns the state after it (the same instance when it was changed in
    /// place). Called with <paramref name="step"/> = 0, 1, 2, … (the steps finished so far, continuing from
    /// the checkpoint's step after a restart), from one thread at a time. When it throws, the state it may have
    /// changed part-way is never saved: the Failed checkpoint repeats the newest durable one.
    /// </summary>
    /// <param name="state">The state after the previous step.</param>
    /// <param name="step">The 0-based index of this step; after it, <paramref name="step"/> + 1 steps are finished.</param>
    /// <param name="cancellationToken">
    /// With <see cref="InterruptMode.FinishCurrentUnit"/>, a token that does not fire when the host stops (the
    /// step finishes and is kept). With <see cref="InterruptMode.Abandon"/>, the stopping token: a step that
    /// throws <see cref="OperationCanceledException"/> on it is abandoned, and the final checkpoint holds
    /// <paramref name="state"/> as passed in, so such a step must not change it before its last cancellable await.
    /// </param>
    protected abstract ValueTask<TState> ExecuteStepAsync(TState state, long step, CancellationToken cancellationToken);

    /// <summary>
    /// The number of steps the work takes, for progress in the checkpoints (<c>ckpt list</c> shows it) and to
    /// know when it is done; null (the default) when it runs until the host stops.
    /// </summary>
    protected virtual long? GetTotalSteps(TState state) => null;

    /// <summary>Resumes, runs the steps, and saves; sealed, since the final checkpoint depends on it. Override the steps instead.</summary>
    protected sealed override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var manager = _dependencies.Managers.Create(ProcessType, Name);
        await using (manager.ConfigureAwait(false))
        {
            var resume = await manager.ResumeAsync(CreateInitialState, CancellationToken.None).ConfigureAwait(false);
            if (resume.Checkpoint is { } found)
            {
                SetLast(found);
                HostingLog.Resumed(_logger, ProcessType, Name, found.Id, found.Step, found.Status);
                if (found.Status == CheckpointStatus.Completed)
                {
                    HostingLog.AlreadyCompleted(_logger, ProcessType, Name, found.Step, found.Id);
                    StopIfCompleted();
                    return;
                }
            }
            else
            {
                HostingLog.StartingFresh(_logger, ProcessType, Name);
            }

            var callback = new TrainingCheckpointCallback(manager, new TrainingCheckpointOptions
            {
                SaveEvery = _saveEvery,
                SaveEveryNSteps = _saveEveryNSteps,
                TimeProvider = _time,
                LoggerFactory = _dependencies.LoggerFactory,
            });
            await RunStepsAsync(manager, callback, resume.State, resume.StartStep, stoppingToken).ConfigureAwait(false);
        }
    }

    private async Task RunStepsAsync(CheckpointManager manager, TrainingCheckpointCallback callback, TState state, long step, CancellationToken stoppingToken)
    {
        var stepToken = _interruptMode == InterruptMode.Abandon ? stoppingToken : CancellationToken.None;
        while (true)
        {
            var total = GetTotalSteps(state);
            if (total is { } t && step >= t)
            {
                var completed = await SaveFinalAsync(callback, CheckpointStatus.Completed, step, state, total, error: null).ConfigureAwait(false);
                HostingLog.Completed(_logger, ProcessType, Name, step, completed.Id);
                StopIfCompleted();
                return;
            }

            if (stoppingToken.IsCancellationRequested)
            {
                await SaveInterruptedAsync(callback, step, state, total).ConfigureAwait(false);
                return;
            }

            var started = _time.GetTimestamp();
            TState next;
            try
            {
                next = await ExecuteStepAsync(state, step, stepToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stepToken.IsCancellationRequested)
            {
                HostingLog.StepAbandoned(_logger, ProcessType, Name, step);
                await SaveInterruptedAsync(callback, step, state, total).ConfigureAwait(false);
                return;
            }
            catch (Exception ex)
            {
                HostingLog.StepFailed(_logger, ex, ProcessType, Name, step);
                try
                {
                    // Not `state`: the failed step may have changed it in place part-way, and saving that would make
                    // the next start apply part of the step twice. The newest durable state is exact.
                    var (durableStep, durableState) = await NewestDurableStateAsync(manager).ConfigureAwait(false);
                    await SaveFinalAsync(callback, CheckpointStatus.Failed, durableStep, durableState, total, ex).ConfigureAwait(false);
                }
                catch (Exception saveError) when (saveError is not OutOfMemoryException)
                {
                    // Logged by SaveFinalAsync; the step's own exception is the one to report.
                }

                throw;
            }

            state = next ?? throw new InvalidOperationException($"{GetType().Name}.ExecuteStepAsync returned null at step {step}; return the state after the step.");
            step++;
            Record(ref _longestStep, _time.GetElapsedTime(started));
            var done = GetTotalSteps(state) is { } newTotal && step >= newTotal;
            if (!done && !stoppingToken.IsCancellationRequested
                && await callback.OnStepEndAsync(step, state, total).ConfigureAwait(false) is { } saved)
            {
                SetLast(saved);
                Record(ref _longestSave, callback.LastSaveDuration!.Value);
            }
        }
    }

    /// <summary>The state and step of the run's newest valid checkpoint, or the initial state at step 0 when it has none.</summary>
    private async Task<(long Step, TState State)> NewestDurableStateAsync(CheckpointManager manager)
    {
        try
        {
            return await manager.LoadLatestAsync<TState>(CancellationToken.None).ConfigureAwait(false) is { } latest
                ? (latest.Metadata.Step, latest.State)
                : (0, CreateInitialState());
        }
        catch (Exception ex)
        {
            HostingLog.FinalSaveFailed(_logger, ex, ProcessType, Name, LastCheckpoint?.Step ?? 0, CheckpointStatus.Failed);
            throw;
        }
    }

    private async Task SaveInterruptedAsync(TrainingCheckpointCallback callback, long step, TState state, long? total)
    {
        var saved = await SaveFinalAsync(callback, CheckpointStatus.Interrupted, step, state, total, error: null).ConfigureAwait(false);
        HostingLog.Interrupted(_logger, ProcessType, Name, saved.Id, step, callback.LastSaveDuration!.Value.TotalMilliseconds);
    }

    private async Task<CheckpointMetadata> SaveFinalAsync(TrainingCheckpointCallback callback, CheckpointStatus status, long step, TState state, long? total, Exception? error)
    {
        try
        {
            // Not cancellable: the host has stopped asking by now, and the save must finish to count.
            var saved = status switch
            {
                CheckpointStatus.Completed => await callback.OnCompletedAsync(step, state, total).ConfigureAwait(false),
                CheckpointStatus.Interrupted => await callback.OnInterruptedAsync(step, state, total).ConfigureAwait(false),
                _ => await callback.OnFailedAsync(step, state, error!, total).ConfigureAwait(false),
            };
            SetLast(saved!);
            Record(ref _longestSave, callback.LastSaveDuration!.Value);
            return saved!;
        }
        catch (Exception ex)
        {
            HostingLog.FinalSaveFailed(_logger, ex, ProcessType, Name, step, status);
            throw;
        }
    }

    private void StopIfCompleted()
    {
        if (_stopWhenCompleted)
        {
            _dependencies.Lifetime.StopApplication();
        }
    }

    private void SetLast(CheckpointMetadata checkpoint)
    {
        lock (_gate)
        {
            _lastCheckpoint = checkpoint;
        }
    }

    /// <summary>Keeps the longest of a kind of duration and warns once per new worst case when a stop would not fit the shutdown timeout.</summary>
    private void Record(ref TimeSpan? longest, TimeSpan duration)
    {
        if (longest is { } l && duration <= l)
        {
            return;
        }

        longest = duration;
        var timeout = _dependencies.HostOptions.Value.ShutdownTimeout;
        if (timeout <= TimeSpan.Zero)
        {
            return; // Infinite (or zero, which no save fits): nothing useful to say.
        }

        var save = _longestSave ?? TimeSpan.Zero;
        var step = _interruptMode == InterruptMode.FinishCurrentUnit ? _longestStep ?? TimeSpan.Zero : TimeSpan.Zero;
        var worst = save + step;
        var budget = timeout * ShutdownBudgetShare;
        if (worst > budget && worst > _warnedAt)
        {
            _warnedAt = worst;
            HostingLog.StopMayExceedShutdownTimeout(_logger, ProcessType, Name, worst.TotalSeconds, save.TotalSeconds, step.TotalSeconds, budget.TotalSeconds, timeout.TotalSeconds);
        }
    }
}
