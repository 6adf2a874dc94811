namespace Checkpointing.Bench.Workloads;

/// <summary>
/// The floor under a durable journal append, without the library: N × (append 1 KB to one open
/// file, fdatasync it).
/// </summary>
internal sealed class RawAppendWorkload : IWorkload
{
    public string Name => "raw-append";

    public string Description => "N x (append 1 KB to one file + fdatasync), no library";

    public void Run(WorkloadContext context)
    {
        var payload = new byte[1024];
        new Random(1).NextBytes(payload);
        using var handle = File.OpenHandle(Path.Combine(context.Directory, "journal.bin"), FileMode.CreateNew, FileAccess.Write);
        Native.FsyncDirectory(context.Directory);
        var offset = 0L;
        for (var i = 0L; i < context.N; i++)
        {
            RandomAccess.Write(handle, payload, offset);
            offset += payload.Length;
            Native.Fdatasync(handle);
        }
    }
}
