using Checkpointing.Storage;

namespace Checkpointing.Tests.Storage;

/// <summary>The store conformance suite against <see cref="LocalDirectoryStore"/> on the real file system (flock, fsync, renameat2).</summary>
public sealed class LocalDirectoryStoreConformanceTests : CheckpointStoreConformanceTests, IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "ckpt-conformance-" + Guid.NewGuid().ToString("N"));

    private string RunDirectory => Path.Combine(_root, "run");

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    private protected override ICheckpointStore OpenStore()
    {
        var store = new LocalDirectoryStore(RunDirectory);
        store.EnsureCreated();
        return store;
    }

    private protected override void WriterProcessExited()
    {
        foreach (var name in AllFileNames())
        {
            TemporaryFiles.Release(Path.Combine(RunDirectory, name));
        }
    }

    private protected override IReadOnlyList<string> AllFileNames() =>
        Directory.Exists(RunDirectory) ? Directory.GetFiles(RunDirectory).Select(Path.GetFileName).OfType<string>().ToList() : [];

    private protected override byte[]? ReadQuarantined(string location) => File.Exists(location) ? File.ReadAllBytes(location) : null;

    private protected override string? ReadQuarantineReason(string location) =>
        File.Exists(location + ".reason.txt") ? File.ReadAllText(location + ".reason.txt") : null;
}
