namespace Downloads;

/// <summary>What this session did and what resuming saved it; thread-safe counters.</summary>
internal sealed class DownloadStats
{
    private long _downloadedBytes;
    private int _completed;
    private int _skipped;
    private long _skippedBytes;
    private int _reconciled;
    private long _reconciledBytes;
    private int _rangeResumes;
    private long _resumedBytes;
    private int _restarts;
    private long _discardedBytes;
    private int _serverErrors;
    private int _cutConnections;
    private int _otherFailures;
    private int _retries;
    private int _failed;

    /// <summary>Bytes received from the server and written to files in this session.</summary>
    public long DownloadedBytes => Volatile.Read(ref _downloadedBytes);

    /// <summary>Series whose completion this session recorded (downloaded or verified).</summary>
    public int Completed => Volatile.Read(ref _completed);

    /// <summary>Series done before this session started: not downloaded again.</summary>
    public int Skipped => _skipped;

    public long SkippedBytes => _skippedBytes;

    /// <summary>Complete files whose completion was not yet recorded (a kill between the rename and the record), verified against the server instead of downloaded.</summary>
    public int Reconciled => Volatile.Read(ref _reconciled);

    public long ReconciledBytes => Volatile.Read(ref _reconciledBytes);

    /// <summary>Answers 206 to a Range request: the partial file's bytes were not downloaded again.</summary>
    public int RangeResumes => Volatile.Read(ref _rangeResumes);

    public long ResumedBytes => Volatile.Read(ref _resumedBytes);

    /// <summary>Partial files restarted from zero because the server's copy had changed (If-Range did not match).</summary>
    public int Restarts => Volatile.Read(ref _restarts);

    public long DiscardedBytes => Volatile.Read(ref _discardedBytes);

    public int ServerErrors => Volatile.Read(ref _serverErrors);

    public int CutConnections => Volatile.Read(ref _cutConnections);

    public int OtherFailures => Volatile.Read(ref _otherFailures);

    public int Retries => Volatile.Read(ref _retries);

    public int Failed => Volatile.Read(ref _failed);

    /// <summary>Everything resuming saved from being downloaded again.</summary>
    public long SavedBytes => SkippedBytes + ReconciledBytes + ResumedBytes;

    public void AlreadyDone(int series, long bytes)
    {
        _skipped = series;
        _skippedBytes = bytes;
    }

    public void AddDownloaded(long bytes) => Interlocked.Add(ref _downloadedBytes, bytes);

    public void AddCompleted() => Interlocked.Increment(ref _completed);

    public void AddReconciled(long bytes)
    {
        Interlocked.Increment(ref _reconciled);
        Interlocked.Add(ref _reconciledBytes, bytes);
    }

    public void AddRangeResume(long bytes)
    {
        Interlocked.Increment(ref _rangeResumes);
        Interlocked.Add(ref _resumedBytes, bytes);
    }

    public void AddRestart(long bytes)
    {
        Interlocked.Increment(ref _restarts);
        Interlocked.Add(ref _discardedBytes, bytes);
    }

    public void AddFailure(FailureKind kind)
    {
        switch (kind)
        {
            case FailureKind.ServerError:
                Interlocked.Increment(ref _serverErrors);
                break;
            case FailureKind.ConnectionCut:
                Interlocked.Increment(ref _cutConnections);
                break;
            default:
                Interlocked.Increment(ref _otherFailures);
                break;
        }
    }

    public void AddRetry() => Interlocked.Increment(ref _retries);

    public void AddFailed() => Interlocked.Increment(ref _failed);
}
