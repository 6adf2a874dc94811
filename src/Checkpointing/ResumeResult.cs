namespace Checkpointing;

/// <summary>
/// The outcome of <see cref="CheckpointManager.Resume{T}()"/>: deconstructs as
/// <c>var (resumed, startStep, state) = manager.Resume&lt;MyState&gt;();</c>, like the seed's <c>resume_training</c>.
/// </summary>
/// <typeparam name="T">The state type.</typeparam>
public sealed class ResumeResult<T>
{
    internal ResumeResult(bool resumed, long startStep, T state, CheckpointMetadata? checkpoint, IReadOnlyList<SkippedCheckpoint> skipped)
    {
        Resumed = resumed;
        StartStep = startStep;
        State = state;
        Checkpoint = checkpoint;
        Skipped = skipped;
    }

    /// <summary>True when a checkpoint was found and loaded.</summary>
    public bool Resumed { get; }

    /// <summary>The step of the loaded checkpoint (work already done), or 0 on a fresh start.</summary>
    public long StartStep { get; }

    /// <summary>The loaded state, or the initial state (or default) on a fresh start.</summary>
    public T State { get; }

    /// <summary>The loaded checkpoint's metadata, or null on a fresh start.</summary>
    public CheckpointMetadata? Checkpoint { get; }

    /// <summary>Damaged checkpoints that were passed over (and quarantined) to find the one used.</summary>
    public IReadOnlyList<SkippedCheckpoint> Skipped { get; }

    /// <summary>Deconstructs into the seed's <c>(resumed, start_step, state)</c> triple.</summary>
    public void Deconstruct(out bool resumed, out long startStep, out T state)
    {
        resumed = Resumed;
        startStep = StartStep;
        state = State;
    }
}
