namespace Checkpointing.Hosting;

/// <summary>
/// Opens <see cref="CheckpointManager"/>s configured from the application's
/// <see cref="CheckpointOptions"/> (see <c>AddCheckpointing</c>) and its logging. Registered as a
/// singleton by <c>AddCheckpointing</c>; inject it wherever a run is opened.
/// </summary>
public interface ICheckpointManagerFactory
{
    /// <summary>
    /// Opens (creates and locks for writing) the run <c>&lt;root&gt;/&lt;processType&gt;/&lt;name&gt;/</c>
    /// with a copy of the configured options; its log messages go to the host's logging. The caller owns
    /// the manager and disposes it, which releases the run's writer lock.
    /// </summary>
    /// <param name="processType">The kind of process, e.g. <c>batch</c>: a single directory name.</param>
    /// <param name="name">The run's name, e.g. <c>nightly_import</c>: a single directory name.</param>
    /// <exception cref="ArgumentException">A name is not a safe single path segment.</exception>
    /// <exception cref="Microsoft.Extensions.Options.OptionsValidationException">The configured options are invalid (normally reported at start-up instead).</exception>
    /// <exception cref="CheckpointLockedException">Another live process is writing this run.</exception>
    /// <exception cref="CheckpointStorageException">The run directory cannot be created or written.</exception>
    CheckpointManager Create(string processType, string name);
}
