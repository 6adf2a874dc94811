using Checkpointing.Storage;
using Checkpointing.Tests.Crash;

namespace Checkpointing.Tests.Storage;

/// <summary>The store conformance suite against <see cref="LocalDirectoryStore"/> over <see cref="SimulatedFileSystem"/>, so the crash tests' model behaves like the real disk.</summary>
public sealed class SimulatedLocalDirectoryStoreConformanceTests : CheckpointStoreConformanceTests
{
    private const string RunDirectory = "/sim/root/run";
    private readonly SimulatedFileSystem _fs = new();

    private protected override ICheckpointStore OpenStore()
    {
        var store = new LocalDirectoryStore(RunDirectory, _fs);
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

    private protected override IReadOnlyList<string> AllFileNames() => _fs.Peek(RunDirectory).Select(f => f.Name).ToList();

    private protected override byte[]? ReadQuarantined(string location) => _fs.PeekBytes(location);

    private protected override string? ReadQuarantineReason(string location) => _fs.PeekBytes(location + ".reason.txt") is { } note ? Utf8(note) : null;
}
