namespace Checkpointing.ProcessTests;

/// <summary>A fresh directory under the system temp path, deleted on dispose.</summary>
internal sealed class TempRoot : IDisposable
{
    public TempRoot()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "ckpt-proc-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    /// <summary>A new, not yet existing subdirectory to use as a checkpoint root.</summary>
    public string NewRoot(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // A straggling child may still hold a file; the OS temp cleaner takes the rest.
        }
    }
}
