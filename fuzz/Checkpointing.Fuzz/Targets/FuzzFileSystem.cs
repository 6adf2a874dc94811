using Checkpointing.Storage;
using Checkpointing.Testing;

namespace Checkpointing.Fuzz;

/// <summary>A file system holding one read-only file: what <c>SegmentFile.Scan</c> needs, and nothing else.</summary>
internal sealed class FuzzFileSystem(string path, byte[] bytes) : IFileSystem
{
    public IReadableFile OpenRead(string p) => p == path ? new MemoryReadableFile(bytes) : throw new FuzzInvariantException($"the reader opened '{p}'");

    public bool DirectoryExists(string p) => throw Unexpected(nameof(DirectoryExists));

    public void CreateDirectoryDurable(string p) => throw Unexpected(nameof(CreateDirectoryDurable));

    public bool FileExists(string p) => throw Unexpected(nameof(FileExists));

    public IWritableFile CreateNew(string p) => throw Unexpected(nameof(CreateNew));

    public IWritableFile OpenAppend(string p) => throw Unexpected(nameof(OpenAppend));

    public IReadOnlyList<FileEntry> ListFiles(string directory) => throw Unexpected(nameof(ListFiles));

    public void RenameNoReplace(string source, string destination) => throw Unexpected(nameof(RenameNoReplace));

    public void Delete(string p) => throw Unexpected(nameof(Delete));

    public void SyncDirectory(string p) => throw Unexpected(nameof(SyncDirectory));

    public IFileLock? TryLock(string p, Func<string, string> record, out string? currentHolder) => throw Unexpected(nameof(TryLock));

    private static FuzzInvariantException Unexpected(string operation) => new($"a read-only scan called {operation}");
}

/// <summary>A broken invariant the fuzz targets check themselves (a crash for the fuzzer, a failure for the tests).</summary>
internal sealed class FuzzInvariantException(string message) : Exception(message);
