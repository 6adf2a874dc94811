namespace Checkpointing.Tests.Manager;

/// <summary>A fresh checkpoint root under the system temp directory, removed on dispose.</summary>
internal sealed class TempRoot : IDisposable
{
    public TempRoot()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "ckpt-unit-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public CheckpointOptions Options(Action<CheckpointOptions>? configure = null)
    {
        var options = new CheckpointOptions { RootDirectory = Path };
        configure?.Invoke(options);
        return options;
    }

    public string RunDirectory(string processType, string name) => System.IO.Path.Combine(Path, processType, name);

    public void Dispose()
    {
        if (Directory.Exists(Path))
        {
            Directory.Delete(Path, recursive: true);
        }
    }
}
