using Checkpointing.Bench.Workloads;

namespace Checkpointing.Bench;

/// <summary>Every workload the program knows, by command-line name.</summary>
internal static class WorkloadCatalog
{
    public static IReadOnlyList<IWorkload> All { get; } =
    [
        new SmallWorkload(),
        new SmallWorkload(sourceGenerated: false),
        new LargeWorkload(),
        new LargeBackgroundWorkload(),
        new RawReplaceWorkload(),
        new RawAppendWorkload(),
        new JournalAppendWorkload(),
        new JournalAppendConcurrentWorkload(),
        new WorkListWorkload(),
        new CkptRunsWorkload(),
    ];
}
