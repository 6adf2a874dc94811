using Checkpointing.Journaling;

namespace Checkpointing.Bench.Workloads;

// Checkpointing.RecordLog is also a (library-internal) namespace, which wins over the using directive inside Checkpointing.*.

/// <summary>
/// Durable journal appends from 8 concurrent writers sharing fdatasyncs (group commit): N records in all, each writer
/// appending a 1 KB record and awaiting <c>CommitAsync</c> before its next one. The clock starts after the journal is open.
/// </summary>
internal sealed class JournalAppendConcurrentWorkload : IWorkload
{
    private const int Writers = 8;

    public string Name => "journal-append-8";

    public string Description => "N records in all from 8 concurrent writers, each Append 1 KB + await CommitAsync";

    public void Run(WorkloadContext context)
    {
        var payload = new byte[1024];
        new Random(1).NextBytes(payload);
        using var manager = new CheckpointManager("bench", "journal", new CheckpointOptions { RootDirectory = context.Directory });
        using var journal = Journal.Open(manager);
        context.RestartClock();
        var tasks = new Task[Writers];
        for (var w = 0; w < Writers; w++)
        {
            var count = (context.N / Writers) + (w < context.N % Writers ? 1 : 0);
            tasks[w] = Task.Run(async () =>
            {
                for (var i = 0L; i < count; i++)
                {
                    journal.Append(payload);
                    await journal.CommitAsync().ConfigureAwait(false);
                }
            });
        }

        Task.WaitAll(tasks);
    }
}
