using Checkpointing.Journaling;

namespace Checkpointing.Bench.Workloads;

// Checkpointing.RecordLog is also a (library-internal) namespace, which wins over the using directive inside Checkpointing.*.

/// <summary>
/// Durable journal appends from one writer: N × (append a 1 KB record, commit), the library's counterpart of
/// <c>raw-append</c>. The clock starts after the journal is open.
/// </summary>
internal sealed class JournalAppendWorkload : IWorkload
{
    public string Name => "journal-append";

    public string Description => "N x (Journal.Append 1 KB + Commit), one writer";

    public void Run(WorkloadContext context)
    {
        var payload = new byte[1024];
        new Random(1).NextBytes(payload);
        using var manager = new CheckpointManager("bench", "journal", new CheckpointOptions { RootDirectory = context.Directory });
        using var journal = Journal.Open(manager);
        context.RestartClock();
        for (var i = 0L; i < context.N; i++)
        {
            journal.Append(payload);
            journal.Commit();
        }
    }
}
