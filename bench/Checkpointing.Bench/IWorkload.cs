namespace Checkpointing.Bench;

/// <summary>
/// One whole-process benchmark workload. To add one, write a class in Workloads/ and list it in
/// <see cref="WorkloadCatalog.All"/>.
/// </summary>
internal interface IWorkload
{
    /// <summary>The name given on the command line, e.g. <c>small</c>.</summary>
    string Name { get; }

    /// <summary>What N means and what the workload does, for the usage text.</summary>
    string Description { get; }

    /// <summary>Runs the workload; the caller times it and prints <c>NAME N: SECONDSs</c>.</summary>
    void Run(WorkloadContext context);
}
