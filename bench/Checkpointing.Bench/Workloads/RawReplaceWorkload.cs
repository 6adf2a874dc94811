namespace Checkpointing.Bench.Workloads;

/// <summary>
/// The floor under any durable save, without the library: N × (write 1 KB to a temp file, fsync
/// it, rename it over the final name, fsync the directory).
/// </summary>
internal sealed class RawReplaceWorkload : IWorkload
{
    public string Name => "raw-replace";

    public string Description => "N x (write 1 KB to a temp file + fsync + rename + directory fsync), no library";

    public void Run(WorkloadContext context)
    {
        var payload = new byte[1024];
        new Random(1).NextBytes(payload);
        var temp = Path.Combine(context.Directory, "state.tmp");
        var final = Path.Combine(context.Directory, "state.bin");
        for (var i = 0L; i < context.N; i++)
        {
            using (var handle = File.OpenHandle(temp, FileMode.Create, FileAccess.Write))
            {
                RandomAccess.Write(handle, payload, 0);
                Native.Fsync(handle);
            }

            File.Move(temp, final, overwrite: true);
            Native.FsyncDirectory(context.Directory);
        }
    }
}
