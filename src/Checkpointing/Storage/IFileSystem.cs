namespace Checkpointing.Storage;

/// <summary>
/// The primitive file operations the local store is built from. Production code uses
/// <see cref="PosixFileSystem"/>; tests substitute a model of what a power cut keeps.
/// Every method throws <see cref="IOException"/> (or <see cref="UnauthorizedAccessException"/>) on failure.
/// </summary>
internal interface IFileSystem
{
    bool DirectoryExists(string path);

    /// <summary>Creates the directory and any missing parents, making each new entry durable.</summary>
    void CreateDirectoryDurable(string path);

    bool FileExists(string path);

    /// <summary>Creates a new file; fails with EEXIST when it already exists.</summary>
    IWritableFile CreateNew(string path);

    IReadableFile OpenRead(string path);

    /// <summary>Opens an existing file for writing; appends go to its end. Fails when it does not exist.</summary>
    IWritableFile OpenAppend(string path);

    /// <summary>Lists the regular files directly inside a directory.</summary>
    IReadOnlyList<FileEntry> ListFiles(string directory);

    /// <summary>Renames without ever replacing an existing target (fails with EEXIST instead).</summary>
    void RenameNoReplace(string source, string destination);

    void Delete(string path);

    /// <summary>Deletes the file when there is one; false when there is none (nothing at the path, or not a file).</summary>
    bool DeleteIfExists(string path)
    {
        if (!FileExists(path))
        {
            return false;
        }

        Delete(path);
        return true;
    }

    /// <summary>Makes the directory's entries (creates, renames, deletes) durable.</summary>
    void SyncDirectory(string path);

    /// <summary>
    /// Opens a directory to work on the names inside it without resolving its path each time; null
    /// when this file system has no such handle (the caller then uses the path methods, which mean the same).
    /// </summary>
    IDirectory? OpenDirectory(string path) => null;

    /// <summary>
    /// Fails (EACCES, EROFS, …) when this process cannot create and delete files in the directory, so a writer
    /// learns it when it opens the run rather than at its first save. File systems that cannot tell do nothing.
    /// </summary>
    void CheckWritableDirectory(string path)
    {
    }

    /// <summary>
    /// Takes an exclusive, process-lifetime lock on a file and replaces its content with
    /// <paramref name="record"/> applied to what it held (the previous holder's record), or reports who
    /// holds it (null, with <paramref name="currentHolder"/> set to the holder's record).
    /// </summary>
    IFileLock? TryLock(string path, Func<string, string> record, out string? currentHolder);

    /// <summary>The text of a lock file (while another process may hold the lock), empty when there is none.</summary>
    string ReadLockRecord(string path)
    {
        if (!FileExists(path))
        {
            return string.Empty;
        }

        using var file = OpenRead(path);
        var bytes = new byte[(int)Math.Min(file.Length, 64 << 10)];
        return System.Text.Encoding.UTF8.GetString(bytes, 0, file.ReadAt(0, bytes));
    }

    /// <summary>
    /// Takes the lock on a new file put in place of the one at <paramref name="path"/>, whoever holds that
    /// one: the holder keeps a lock on a file that is no longer at the path, which its
    /// <see cref="IFileLock.IsStillAtPath"/> then tells. For a lease that expired on a shared file system.
    /// </summary>
    IFileLock TakeOverLock(string path, Func<string, string> record) =>
        throw new NotSupportedException("This file system cannot take a lock over from its holder.");
}

/// <summary>A lock taken with <see cref="IFileSystem.TryLock"/>; disposing releases it.</summary>
internal interface IFileLock : IDisposable
{
    /// <summary>
    /// False once the file at the lock's path is not the one this lock holds (replaced by a takeover, or
    /// deleted): another process may hold the lock now.
    /// </summary>
    bool IsStillAtPath() => true;

    /// <summary>The record in the file at the lock's path now (the current holder's, after a takeover).</summary>
    string ReadCurrentRecord();

    /// <summary>Replaces the record in the locked file, durably.</summary>
    void Rewrite(string record);
}

/// <summary>
/// An open directory: the path methods of <see cref="IFileSystem"/> for names inside it (no path
/// separators), with the same guarantees and failures.
/// </summary>
internal interface IDirectory : IDisposable
{
    /// <summary>As <see cref="IFileSystem.CreateNew"/>.</summary>
    IWritableFile CreateNew(string name);

    /// <summary>As <see cref="IFileSystem.RenameNoReplace"/>, both names in this directory.</summary>
    void RenameNoReplace(string source, string destination);

    /// <summary>As <see cref="IFileSystem.DeleteIfExists"/>.</summary>
    bool DeleteIfExists(string name);

    /// <summary>As <see cref="IFileSystem.SyncDirectory"/> of this directory.</summary>
    void Sync();
}

/// <summary>A file being written front to back.</summary>
internal interface IWritableFile : IDisposable
{
    long Length { get; }

    void Append(ReadOnlySpan<byte> data);

    /// <summary>Shrinks the file to <paramref name="length"/> bytes (ftruncate); later appends go there. Durable after the next <see cref="Sync"/>.</summary>
    void Truncate(long length);

    /// <summary>fsync: data and size durable. A failure is final for this file; never call it again.</summary>
    void Sync();

    /// <summary>
    /// fdatasync: data and size durable, other metadata (timestamps) not. Enough for appended records.
    /// A failure is final for this file, as for <see cref="Sync"/>. Defaults to <see cref="Sync"/>.
    /// </summary>
    void SyncData() => Sync();
}

/// <summary>A file read by position.</summary>
internal interface IReadableFile : IDisposable
{
    long Length { get; }

    /// <summary>Reads up to <c>buffer.Length</c> bytes at <paramref name="offset"/>; returns fewer only at end of file.</summary>
    int ReadAt(long offset, Span<byte> buffer);
}

/// <summary>A directory entry as listed. A class, so that lists of entries use the runtime's shared, precompiled generic code.</summary>
internal sealed record FileEntry(string Name, long Length);
