using System.Diagnostics;

namespace Checkpointing.Bench;

/// <summary>The arguments of one run and its clock.</summary>
internal sealed class WorkloadContext(long n, string directory)
{
    private readonly Stopwatch _clock = new();

    /// <summary>The size argument (saves, MiB, items: each workload says).</summary>
    public long N { get; } = n;

    /// <summary>An empty directory the workload owns.</summary>
    public string Directory { get; } = directory;

    /// <summary>Time since the clock was (re)started.</summary>
    public TimeSpan Elapsed => _clock.Elapsed;

    /// <summary>Restarts the clock, for workloads whose setup (e.g. generating data) is not part of the measurement.</summary>
    public void RestartClock() => _clock.Restart();
}
