using System.Text;
using Checkpointing.Interop;
using Checkpointing.Storage;

namespace Checkpointing.Tests.Crash;

/// <summary>
/// An in-memory <see cref="IFileSystem"/> that models what a power cut keeps. A file's bytes are
/// durable only up to its last successful <see cref="IWritableFile.Sync"/>; a directory's entries
/// (creates, renames, deletes) only as of its last <see cref="SyncDirectory"/>, except directories
/// made by <see cref="CreateDirectoryDurable"/>, which are durable at once.
/// <para>
/// Every primitive call is counted and logged. <see cref="CrashAfter"/> makes every call after the
/// given one throw <see cref="SimulatedCrashException"/>; <see cref="CrashImage"/> then builds the
/// disk a reboot would find, choosing among the allowed outcomes; <see cref="FailAt"/> makes one
/// call fail with an errno. Error semantics follow <see cref="PosixFileSystem"/> and .NET.
/// </para>
/// </summary>
internal sealed class SimulatedFileSystem : IFileSystem
{
    private const int EISDIR = 21;

    private readonly DirectoryNode _root = new();
    private readonly List<SimulatedOperation> _operations = [];
    private readonly List<string> _syncsAfterFailure = [];
    private readonly Lock _gate = new();
    private int? _crashAfter;
    private int? _crashedAt;
    private (int Number, int Errno)? _failure;

    /// <summary>How many primitive operations have run (or failed) so far.</summary>
    public int OperationCount => _operations.Count;

    /// <summary>Every counted operation, in order.</summary>
    public IReadOnlyList<SimulatedOperation> Operations => _operations;

    /// <summary>True once an operation was refused because of <see cref="CrashAfter"/>.</summary>
    public bool HasCrashed => _crashedAt is not null;

    /// <summary>Each time code called Sync again on a file whose fsync had already failed (must stay empty).</summary>
    public IReadOnlyList<string> SyncsAfterFailure => _syncsAfterFailure;

    /// <summary>Lets operations 1..<paramref name="operationCount"/> run; every later one throws <see cref="SimulatedCrashException"/>.</summary>
    public void CrashAfter(int operationCount) => _crashAfter = operationCount;

    /// <summary>Makes operation number <paramref name="operationNumber"/> (1-based) fail with <paramref name="errno"/> without doing anything.</summary>
    public void FailAt(int operationNumber, int errno) => _failure = (operationNumber, errno);

    public bool DirectoryExists(string path)
    {
        lock (_gate)
        {
            Begin(SimulatedOperationKind.DirectoryExists, path);
            return Find(path) is DirectoryNode;
        }
    }

    public void CreateDirectoryDurable(string path)
    {
        lock (_gate)
        {
            Begin(SimulatedOperationKind.CreateDirectoryDurable, path);
            var dir = _root;
            foreach (var segment in Segments(path))
            {
                if (!dir.Entries.TryGetValue(segment, out var child))
                {
                    child = new DirectoryNode();
                    dir.Entries[segment] = child;
                    dir.Durable[segment] = child;
                }

                dir = child as DirectoryNode ?? throw Failure("mkdir", path, Errno.EEXIST);
            }
        }
    }

    public bool FileExists(string path)
    {
        lock (_gate)
        {
            Begin(SimulatedOperationKind.FileExists, path);
            return Find(path) is FileNode;
        }
    }

    public IWritableFile CreateNew(string path)
    {
        lock (_gate)
        {
            Begin(SimulatedOperationKind.CreateNew, path);
            var (parent, name) = Parent(path);
            if (parent.Entries.ContainsKey(name))
            {
                throw Failure("open(O_CREAT|O_EXCL)", path, Errno.EEXIST);
            }

            var file = new FileNode();
            parent.Link(name, file);
            return new WritableFile(this, file, Normalize(path));
        }
    }

    public IWritableFile OpenAppend(string path)
    {
        lock (_gate)
        {
            Begin(SimulatedOperationKind.OpenAppend, path);
            var (parent, name) = Parent(path);
            return parent.Entries.GetValueOrDefault(name) is FileNode file
                ? new WritableFile(this, file, Normalize(path))
                : throw new FileNotFoundException($"Could not find file '{path}'.", path);
        }
    }

    public IReadableFile OpenRead(string path)
    {
        lock (_gate)
        {
            Begin(SimulatedOperationKind.OpenRead, path);
            var (parent, name) = Parent(path);
            return parent.Entries.GetValueOrDefault(name) is FileNode file
                ? new ReadableFile(this, file, Normalize(path))
                : throw new FileNotFoundException($"Could not find file '{path}'.", path);
        }
    }

    public IReadOnlyList<FileEntry> ListFiles(string directory)
    {
        lock (_gate)
        {
            Begin(SimulatedOperationKind.ListFiles, directory);
            return Find(directory) is DirectoryNode dir ? Files(dir.Entries) : [];
        }
    }

    public void RenameNoReplace(string source, string destination)
    {
        lock (_gate)
        {
            Begin(SimulatedOperationKind.Rename, source);
            var (from, fromName) = Parent(source, Errno.ENOENT);
            var (to, toName) = Parent(destination, Errno.ENOENT);
            if (!from.Entries.TryGetValue(fromName, out var node))
            {
                throw Failure("rename", source, Errno.ENOENT);
            }

            if (to.Entries.ContainsKey(toName))
            {
                throw Failure("rename", destination, Errno.EEXIST);
            }

            if (ReferenceEquals(from, to))
            {
                from.Entries.Remove(fromName);
                from.Entries[toName] = node;
                from.Pending.Add([(fromName, null), (toName, node)]);
            }
            else
            {
                from.Unlink(fromName);
                to.Link(toName, node);
            }
        }
    }

    public void Delete(string path)
    {
        lock (_gate)
        {
            Begin(SimulatedOperationKind.Delete, path);
            var (parent, name) = Parent(path);
            switch (parent.Entries.GetValueOrDefault(name))
            {
                case null:
                    return; // File.Delete ignores a missing file.
                case DirectoryNode:
                    throw new UnauthorizedAccessException($"Access to the path '{path}' is denied.");
                default:
                    parent.Unlink(name);
                    break;
            }
        }
    }

    public void SyncDirectory(string path)
    {
        lock (_gate)
        {
            Begin(SimulatedOperationKind.SyncDirectory, path);
            if (Find(path) is not DirectoryNode dir)
            {
                throw Failure("open directory", path, Errno.ENOENT);
            }

            dir.Durable.Clear();
            foreach (var (name, node) in dir.Entries)
            {
                dir.Durable[name] = node;
            }

            dir.Pending.Clear();
        }
    }

    public IFileLock? TryLock(string path, Func<string, string> record, out string? currentHolder)
    {
        lock (_gate)
        {
            Begin(SimulatedOperationKind.TryLock, path);
            currentHolder = null;
            var (parent, name) = Parent(path, Errno.ENOENT);
            var node = parent.Entries.GetValueOrDefault(name);
            if (node is DirectoryNode)
            {
                throw Failure("open lock file", path, EISDIR);
            }

            if (node is not FileNode file)
            {
                file = new FileNode();
                parent.Link(name, file);
            }

            if (file.LockedBy is not null)
            {
                currentHolder = Encoding.UTF8.GetString(file.Data, 0, file.Length);
                return null;
            }

            var previous = Encoding.UTF8.GetString(file.Data, 0, file.Length);
            file.Truncate();
            file.Append(Encoding.UTF8.GetBytes(record(previous)));
            var handle = new LockHandle(this, file);
            file.LockedBy = handle;
            return handle;
        }
    }

    /// <summary>Lists a directory's files as they are now, without counting an operation.</summary>
    public IReadOnlyList<FileEntry> Peek(string directory)
    {
        lock (_gate)
        {
            return Find(directory) is DirectoryNode dir ? Files(dir.Entries) : [];
        }
    }

    /// <summary>A file's current bytes, without counting an operation; null when it does not exist.</summary>
    public byte[]? PeekBytes(string path)
    {
        lock (_gate)
        {
            return Find(path) is FileNode file ? file.Data.AsSpan(0, file.Length).ToArray() : null;
        }
    }

    /// <summary>
    /// The disk as a reboot right now would find it: only durable directory entries (plus, per
    /// <see cref="CrashOutcome.Namespace"/>, some unsynced ones in order), and for each file its
    /// synced bytes plus what <see cref="CrashOutcome.Data"/> lets survive of the rest. No locks
    /// are held in the image and everything in it is durable.
    /// </summary>
    public SimulatedFileSystem CrashImage(CrashOutcome outcome)
    {
        lock (_gate)
        {
            var image = new SimulatedFileSystem();
            var rng = new Random(outcome.Seed);
            CopyDurable(_root, image._root, outcome, rng, new Dictionary<FileNode, FileNode>(ReferenceEqualityComparer.Instance));
            return image;
        }
    }

    private static void CopyDurable(DirectoryNode from, DirectoryNode to, CrashOutcome outcome, Random rng, Dictionary<FileNode, FileNode> copies)
    {
        var entries = new Dictionary<string, Node>(from.Durable, StringComparer.Ordinal);
        var kept = outcome.Namespace switch
        {
            NamespaceSurvival.SyncedOnly => 0,
            NamespaceSurvival.All => from.Pending.Count,
            _ => rng.Next(from.Pending.Count + 1),
        };
        foreach (var change in from.Pending.Take(kept))
        {
            foreach (var (name, node) in change)
            {
                if (node is null)
                {
                    entries.Remove(name);
                }
                else
                {
                    entries[name] = node;
                }
            }
        }

        foreach (var (name, node) in entries.OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            Node copy;
            if (node is DirectoryNode dir)
            {
                var copiedDir = new DirectoryNode();
                CopyDurable(dir, copiedDir, outcome, rng, copies);
                copy = copiedDir;
            }
            else
            {
                var file = (FileNode)node;
                if (!copies.TryGetValue(file, out var copiedFile))
                {
                    copiedFile = SurvivingCopy(file, outcome.Data, rng);
                    copies[file] = copiedFile;
                }

                copy = copiedFile;
            }

            to.Entries[name] = copy;
            to.Durable[name] = copy;
        }
    }

    private static FileNode SurvivingCopy(FileNode file, DataSurvival data, Random rng)
    {
        var synced = Math.Min(file.SyncedLength, file.Length);
        var length = file.Length;
        int kept;
        var garbage = 0;
        var zeros = false;
        switch (data)
        {
            case DataSurvival.SyncedOnly:
                kept = synced;
                break;
            case DataSurvival.All:
                kept = length;
                break;
            case DataSurvival.Garbage:
                kept = synced;
                garbage = length - synced;
                break;
            default:
                kept = synced;
                if (length > synced)
                {
                    switch (rng.Next(4))
                    {
                        case 0:
                            break;
                        case 1:
                            kept = length;
                            break;
                        case 2:
                            kept = rng.Next(synced, length + 1);
                            break;
                        default:
                            kept = rng.Next(synced, length);
                            garbage = rng.Next(1, length - kept + 1);
                            zeros = rng.Next(2) == 0;
                            break;
                    }
                }

                break;
        }

        var copy = new FileNode();
        copy.Append(file.Data.AsSpan(0, kept));
        if (garbage > 0)
        {
            var junk = new byte[garbage];
            if (!zeros)
            {
                rng.NextBytes(junk);
            }

            copy.Append(junk);
        }

        copy.SyncedLength = copy.Length;
        return copy;
    }

    private static List<FileEntry> Files(Dictionary<string, Node> entries) =>
        entries.Where(e => e.Value is FileNode).Select(e => new FileEntry(e.Key, ((FileNode)e.Value).Length)).ToList();

    private static string Normalize(string path) => Path.TrimEndingDirectorySeparator(Path.GetFullPath(path));

    private static string[] Segments(string path) => Normalize(path).Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries);

    private static IOException Failure(string operation, string path, int errno) => PosixFileSystem.Failure(operation, path, errno);

    private Node? Find(string path)
    {
        Node node = _root;
        foreach (var segment in Segments(path))
        {
            if (node is not DirectoryNode dir || !dir.Entries.TryGetValue(segment, out node!))
            {
                return null;
            }
        }

        return node;
    }

    /// <summary>The directory that holds <paramref name="path"/> and the entry's name; a missing parent fails like .NET (or with <paramref name="missingErrno"/> for libc calls).</summary>
    private (DirectoryNode Parent, string Name) Parent(string path, int? missingErrno = null)
    {
        var full = Normalize(path);
        var parentPath = Path.GetDirectoryName(full) ?? throw Failure("resolve", path, Errno.EINVAL);
        return Find(parentPath) is DirectoryNode parent
            ? (parent, Path.GetFileName(full))
            : throw (missingErrno is int errno ? Failure("resolve", path, errno) : new DirectoryNotFoundException($"Could not find a part of the path '{path}'."));
    }

    /// <summary>Counts an operation, refusing it after the crash point and failing it when an error is injected here.</summary>
    private void Begin(SimulatedOperationKind kind, string path, FileNode? syncTarget = null)
    {
        if (_crashedAt is not null || _operations.Count >= _crashAfter)
        {
            _crashedAt ??= _operations.Count + 1;
            throw new SimulatedCrashException(_operations.Count + 1);
        }

        var operation = new SimulatedOperation(_operations.Count + 1, kind, path);
        _operations.Add(operation);
        if (_failure is { } failure && failure.Number == operation.Number)
        {
            if (syncTarget is not null)
            {
                syncTarget.SyncFailed = true;
            }

            throw Failure(kind.ToString(), path, failure.Errno);
        }
    }

    private abstract class Node;

    private sealed class FileNode : Node
    {
        public byte[] Data { get; private set; } = [];

        public int Length { get; private set; }

        public int SyncedLength { get; set; }

        public bool SyncFailed { get; set; }

        public LockHandle? LockedBy { get; set; }

        public void Append(ReadOnlySpan<byte> data)
        {
            if (Length + data.Length > Data.Length)
            {
                var grown = new byte[Math.Max(Length + data.Length, Data.Length * 2)];
                Data.AsSpan(0, Length).CopyTo(grown);
                Data = grown;
            }

            data.CopyTo(Data.AsSpan(Length));
            Length += data.Length;
        }

        public void Truncate(int length = 0)
        {
            Length = Math.Min(Length, length);
            SyncedLength = Math.Min(SyncedLength, Length);
        }
    }

    private sealed class DirectoryNode : Node
    {
        /// <summary>What a process sees now.</summary>
        public Dictionary<string, Node> Entries { get; } = new(StringComparer.Ordinal);

        /// <summary>What survives a crash for certain (as of the last fsync of this directory).</summary>
        public Dictionary<string, Node> Durable { get; } = new(StringComparer.Ordinal);

        /// <summary>Changes since the last fsync, oldest first; each is atomic (a rename is one change). A null node is a removal.</summary>
        public List<(string Name, Node? Node)[]> Pending { get; } = [];

        public void Link(string name, Node node)
        {
            Entries[name] = node;
            Pending.Add([(name, node)]);
        }

        public void Unlink(string name)
        {
            Entries.Remove(name);
            Pending.Add([(name, null)]);
        }
    }

    private sealed class WritableFile(SimulatedFileSystem fs, FileNode file, string path) : IWritableFile
    {
        private bool _disposed;

        public long Length => file.Length;

        public void Append(ReadOnlySpan<byte> data)
        {
            lock (fs._gate)
            {
                fs.Begin(SimulatedOperationKind.Append, path);
                ObjectDisposedException.ThrowIf(_disposed, this);
                file.Append(data);
            }
        }

        public void Truncate(long length)
        {
            lock (fs._gate)
            {
                fs.Begin(SimulatedOperationKind.Truncate, path);
                ObjectDisposedException.ThrowIf(_disposed, this);
                ArgumentOutOfRangeException.ThrowIfNegative(length);
                file.Truncate((int)length);
            }
        }

        public void Sync()
        {
            lock (fs._gate)
            {
                if (file.SyncFailed)
                {
                    fs._syncsAfterFailure.Add(path);
                }

                fs.Begin(SimulatedOperationKind.Sync, path, file);
                ObjectDisposedException.ThrowIf(_disposed, this);
                if (file.SyncFailed)
                {
                    throw new InvalidOperationException("fsync already failed on this file; its contents are unknown and it must be discarded.");
                }

                file.SyncedLength = file.Length;
            }
        }

        public void Dispose() => _disposed = true;
    }

    private sealed class ReadableFile(SimulatedFileSystem fs, FileNode file, string path) : IReadableFile
    {
        public long Length { get; } = file.Length;

        public int ReadAt(long offset, Span<byte> buffer)
        {
            lock (fs._gate)
            {
                fs.Begin(SimulatedOperationKind.Read, path);
                var end = Math.Min(Length, file.Length);
                if (offset >= end)
                {
                    return 0;
                }

                var n = (int)Math.Min(buffer.Length, end - offset);
                file.Data.AsSpan((int)offset, n).CopyTo(buffer);
                return n;
            }
        }

        public void Dispose()
        {
        }
    }

    private sealed class LockHandle(SimulatedFileSystem fs, FileNode file) : IFileLock
    {
        public string ReadCurrentRecord()
        {
            lock (fs._gate)
            {
                return Encoding.UTF8.GetString(file.Data, 0, file.Length);
            }
        }

        public void Rewrite(string record)
        {
            lock (fs._gate)
            {
                file.Truncate();
                file.Append(Encoding.UTF8.GetBytes(record));
            }
        }

        public void Dispose()
        {
            lock (fs._gate)
            {
                if (ReferenceEquals(file.LockedBy, this))
                {
                    file.LockedBy = null;
                }
            }
        }
    }
}
