namespace Checkpointing;

/// <summary>
/// Runs a manager's background saves: at most one write in flight, at most one captured save waiting
/// behind it, and the first failure kept until someone is there to see it.
/// </summary>
/// <param name="write">Writes one save durably (on a pool thread).</param>
/// <param name="release">Called once per save when it is over (written, failed or replaced), to recycle its memory.</param>
internal sealed class BackgroundSaveQueue(Func<CapturedSave, CheckpointMetadata> write, Action<CapturedSave> release)
{
    private readonly Lock _lock = new();
    private bool _busy;
    private Task _running = Task.CompletedTask;
    private TaskCompletionSource? _reservation;
    private (CapturedSave Save, TaskCompletionSource<CheckpointMetadata?> Done)? _queued;
    private CheckpointBackgroundSaveException? _failure;

    /// <summary>Claims the right to start a save now; false while one is in flight (or claimed).</summary>
    public bool TryReserve()
    {
        lock (_lock)
        {
            if (_busy)
            {
                return false;
            }

            _busy = true;
            _reservation = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _running = _reservation.Task;
            return true;
        }
    }

    /// <summary>
    /// Gives back a reservation that will not be used (the capture failed). A save queued behind the
    /// reservation meanwhile (<see cref="BackgroundSavePolicy.Coalesce"/>) starts now: nothing else would ever run it.
    /// </summary>
    public void CancelReservation()
    {
        TaskCompletionSource? reservation;
        lock (_lock)
        {
            reservation = _reservation;
            _reservation = null;
            if (_queued is { } next)
            {
                _queued = null;
                _running = Task.Run(() => Run(next.Save, next.Done));
            }
            else
            {
                _busy = false;
            }
        }

        reservation?.TrySetResult();
    }

    /// <summary>Starts writing <paramref name="save"/> on the thread pool; needs a reservation.</summary>
    public BackgroundSave Start(CapturedSave save)
    {
        var done = NewCompletion();
        TaskCompletionSource? reservation;
        lock (_lock)
        {
            _running = Task.Run(() => Run(save, done));
            reservation = _reservation;
            _reservation = null;
        }

        reservation?.TrySetResult();
        return new BackgroundSave(save.Step, BackgroundSaveOutcome.Started, done.Task);
    }

    /// <summary>
    /// While a save is in flight, makes <paramref name="save"/> the next one (replacing a waiting one, whose
    /// completion becomes null) and returns it; returns null when nothing is in flight (start it instead).
    /// </summary>
    public BackgroundSave? TryQueue(CapturedSave save)
    {
        (CapturedSave Save, TaskCompletionSource<CheckpointMetadata?> Done)? replaced;
        var done = NewCompletion();
        lock (_lock)
        {
            if (!_busy)
            {
                return null;
            }

            replaced = _queued;
            _queued = (save, done);
        }

        if (replaced is { } old)
        {
            release(old.Save);
            old.Done.TrySetResult(null);
        }

        return new BackgroundSave(save.Step, BackgroundSaveOutcome.Queued, done.Task);
    }

    /// <summary>Completes when no save is in flight or waiting.</summary>
    public async Task WhenIdleAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            Task running;
            lock (_lock)
            {
                if (!_busy)
                {
                    return;
                }

                running = _running;
            }

            await running.WaitAsync(cancellationToken).ConfigureAwait(false);
            await Task.Yield();
        }
    }

    /// <summary>Blocks until no save is in flight or waiting.</summary>
    public void WaitIdle()
    {
        while (true)
        {
            Task running;
            lock (_lock)
            {
                if (!_busy)
                {
                    return;
                }

                running = _running;
            }

            running.Wait();
            Thread.Yield();
        }
    }

    /// <summary>Raises (once) the first background failure not yet reported.</summary>
    public void ThrowIfFailed()
    {
        CheckpointBackgroundSaveException? failure;
        lock (_lock)
        {
            failure = _failure;
            _failure = null;
        }

        if (failure is not null)
        {
            throw failure;
        }
    }

    private static TaskCompletionSource<CheckpointMetadata?> NewCompletion()
    {
        var done = new TaskCompletionSource<CheckpointMetadata?>(TaskCreationOptions.RunContinuationsAsynchronously);

        // The failure is reported through the manager as well; an unread Completion must not surface as an unobserved task exception.
        _ = done.Task.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        return done;
    }

    private void Run(CapturedSave save, TaskCompletionSource<CheckpointMetadata?> done)
    {
        while (true)
        {
            try
            {
                done.TrySetResult(write(save));
            }
            catch (Exception ex)
            {
                lock (_lock)
                {
                    _failure ??= new CheckpointBackgroundSaveException(
                        $"The background save of step {save.Step} failed: {ex.Message} Checkpoints saved before it are intact; step {save.Step} was not saved.",
                        save.Step,
                        ex);
                }

                done.TrySetException(ex);
            }
            finally
            {
                release(save);
            }

            lock (_lock)
            {
                if (_queued is not { } next)
                {
                    _busy = false;
                    return;
                }

                _queued = null;
                (save, done) = next;
            }
        }
    }
}
