using System.Globalization;
using Checkpointing.Journaling;

namespace Checkpointing.Bench.Workloads;

/// <summary>
/// The seed's download pattern done right (bench.py's <c>worklist</c>): N series completed one at a time, each
/// recorded durably with <see cref="WorkList.MarkDone"/> before the next, snapshots every 10,000 (the default).
/// Timed from before the manager is created to after the final snapshot on dispose, as bench.py times its loop.
/// </summary>
internal sealed class WorkListWorkload : IWorkload
{
    public string Name => "worklist";

    public string Description => "N series marked done one at a time with WorkList.MarkDone (durable each)";

    public void Run(WorkloadContext context)
    {
        var keys = new string[context.N];
        for (var i = 0; i < keys.Length; i++)
        {
            keys[i] = "SERIES_" + i.ToString("D7", CultureInfo.InvariantCulture);
        }

        context.RestartClock();
        using var manager = new CheckpointManager("download", "series", new CheckpointOptions { RootDirectory = context.Directory, KeepLastN = 2 });
        using var work = WorkList.Open(manager, keys);
        foreach (var key in keys)
        {
            work.MarkDone(key);
        }
    }
}
