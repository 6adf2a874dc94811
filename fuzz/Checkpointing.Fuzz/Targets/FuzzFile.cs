using Checkpointing.Storage;

namespace Checkpointing.Fuzz;

/// <summary>
/// The fuzz input as a read-only file. A read at a negative offset is a reader bug (a real pread would fail with
/// EINVAL and be reported as a storage error, hiding it), so it throws an exception no reader documents.
/// </summary>
internal sealed class FuzzFile(byte[] bytes) : IReadableFile
{
    public long Length => bytes.Length;

    public int ReadAt(long offset, Span<byte> buffer)
    {
        if (offset < 0)
        {
            throw new FuzzInvariantException($"the reader read at negative offset {offset}");
        }

        if (offset >= bytes.Length)
        {
            return 0;
        }

        var n = (int)Math.Min(buffer.Length, bytes.Length - offset);
        bytes.AsSpan((int)offset, n).CopyTo(buffer);
        return n;
    }

    public void Dispose()
    {
    }
}

/// <summary>A file system holding one read-only file: what <c>SegmentFile.Scan</c> needs, and nothing else.</summary>
internal sealed class FuzzFileSystem(string path, byte[] bytes) : IFileSystem
{
    public IReadableFile OpenRead(string p) => p == path ? new FuzzFile(bytes) : throw new FuzzInvariantException($"the reader opened '{p}'");

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
