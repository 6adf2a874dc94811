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
    private bool _closed;

    /// <summary>Claims the right to start a save now; false while one is in flight (or claimed).</summary>
    /// <exception cref="ObjectDisposedException">The manager is being disposed.</exception>
    public bool TryReserve()
    {
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_closed, typeof(CheckpointManager));
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
            ObjectDisposedException.ThrowIf(_closed, typeof(CheckpointManager));
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

    /// <summary>Refuses new saves from now on (the manager is being disposed); those accepted are still written.</summary>
    public void Close()
    {
        lock (_lock)
        {
            _closed = true;
        }
    }

    /// <summary>Drops the save waiting behind the one in flight, if any (its completion becomes null), to free its memory before a newer capture.</summary>
    public void DropQueued()
    {
        (CapturedSave Save, TaskCompletionSource<CheckpointMetadata?> Done)? dropped;
        lock (_lock)
        {
            dropped = _queued;
            _queued = null;
        }

        if (dropped is { } old)
        {
            release(old.Save);
            old.Done.TrySetResult(null);
        }
    }

    /// <summary>Completes when no save is in flight or waiting.</summary>
    public async Task WhenIdleAsync(CancellationToken cancellationToken)
    {
        while (Running() is { } running)
        {
            await running.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Blocks until no save is in flight or waiting.</summary>
    public void WaitIdle()
    {
        while (Running() is { } running)
        {
            running.Wait();
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

    /// <summary>The task to wait for while a save is in flight, reserved or waiting; null when idle.</summary>
    private Task? Running()
    {
        lock (_lock)
        {
            return _busy ? _running : null;
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
            CheckpointMetadata? written = null;
            Exception? error = null;
            try
            {
                written = write(save);
            }
            catch (Exception ex)
            {
                error = ex;
                lock (_lock)
                {
                    _failure ??= new CheckpointBackgroundSaveException(
                        $"The background save of step {save.Step} did not complete, so step {save.Step} was not saved: {ex.Message}",
                        save.Step,
                        ex);
                }
            }

            release(save);
            (CapturedSave Save, TaskCompletionSource<CheckpointMetadata?> Done)? next;
            lock (_lock)
            {
                next = _queued;
                _queued = null;
                _busy = next is not null;
            }

            // Completed only once the queue is idle again, so a caller that awaited it can start the next save at once.
            if (error is null)
            {
                done.TrySetResult(written);
            }
            else
            {
                done.TrySetException(error);
            }

            if (next is not { } queued)
            {
                return;
            }

            (save, done) = queued;
        }
    }
}
