using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Checkpointing.Hosting;

/// <summary>The <see cref="ICheckpointManagerFactory"/> that <c>AddCheckpointing</c> registers.</summary>
internal sealed class CheckpointManagerFactory(
    IOptions<CheckpointOptions> options,
    ILoggerFactory loggerFactory,
    TimeProvider timeProvider,
    IMeterFactory? meterFactory = null)
    : ICheckpointManagerFactory
{
    public CheckpointManager Create(string processType, string name) => new(processType, name, CreateOptions());

    /// <summary>
    /// A copy of the configured options (a manager keeps its options, and the configured instance is shared),
    /// with the host's logger factory, clock and meter factory (the generic host registers one) where the configuration
    /// left them unset.
    /// </summary>
    internal CheckpointOptions CreateOptions()
    {
        var o = options.Value;
        return new CheckpointOptions
        {
            RootDirectory = o.RootDirectory,
            KeepLastN = o.KeepLastN,
            KeepBestN = o.KeepBestN,
            BestMetric = o.BestMetric,
            BestMetricMode = o.BestMetricMode,
            KeepEvery = o.KeepEvery,
            MaxTotalBytes = o.MaxTotalBytes,
            Compression = o.Compression,
            WhenBackgroundSaveBusy = o.WhenBackgroundSaveBusy,
            Serializer = o.Serializer,
            ReadOnly = o.ReadOnly,
            TakeOverLock = o.TakeOverLock,
            LoggerFactory = o.LoggerFactory ?? loggerFactory,
            MeterFactory = o.MeterFactory ?? meterFactory,
            TimeProvider = ReferenceEquals(o.TimeProvider, TimeProvider.System) ? timeProvider : o.TimeProvider,
        };
    }
}
