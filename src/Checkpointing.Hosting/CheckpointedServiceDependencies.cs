using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Checkpointing.Hosting;

/// <summary>
/// What a <see cref="CheckpointedBackgroundService{TState}"/> needs from the host, in one parameter, so a
/// subclass's constructor stays <c>MyWorker(CheckpointedServiceDependencies dependencies) : base(dependencies, "batch", "nightly")</c>
/// and does not change when the base class needs more. Registered as a singleton by <c>AddCheckpointing</c>.
/// </summary>
/// <param name="managers">Opens the service's run.</param>
/// <param name="hostOptions">The host's options: <see cref="HostOptions.ShutdownTimeout"/> is the time the final checkpoint has.</param>
/// <param name="lifetime">Stops the application when the work is done (see <see cref="CheckpointedServiceOptions.StopApplicationWhenCompleted"/>).</param>
/// <param name="loggerFactory">Where the service's messages go.</param>
/// <param name="timeProvider">The clock that measures steps and saves, and times <see cref="CheckpointedServiceOptions.SaveEvery"/>.</param>
public sealed class CheckpointedServiceDependencies(
    ICheckpointManagerFactory managers,
    IOptions<HostOptions> hostOptions,
    IHostApplicationLifetime lifetime,
    ILoggerFactory loggerFactory,
    TimeProvider timeProvider)
{
    /// <summary>Opens the service's run.</summary>
    public ICheckpointManagerFactory Managers { get; } = managers ?? throw new ArgumentNullException(nameof(managers));

    /// <summary>The host's options.</summary>
    public IOptions<HostOptions> HostOptions { get; } = hostOptions ?? throw new ArgumentNullException(nameof(hostOptions));

    /// <summary>The application's lifetime.</summary>
    public IHostApplicationLifetime Lifetime { get; } = lifetime ?? throw new ArgumentNullException(nameof(lifetime));

    /// <summary>Where the service's messages go.</summary>
    public ILoggerFactory LoggerFactory { get; } = loggerFactory ?? throw new ArgumentNullException(nameof(loggerFactory));

    /// <summary>The clock that measures steps and saves.</summary>
    public TimeProvider TimeProvider { get; } = timeProvider ?? throw new ArgumentNullException(nameof(timeProvider));
}
