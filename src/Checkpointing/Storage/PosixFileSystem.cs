using System.Globalization;
using System.Text;
using Checkpointing.Interop;
using Microsoft.Win32.SafeHandles;

namespace Checkpointing.Storage;

/// <summary>
/// The real file system. fsync, directory fsync, no-replace rename and locking go through libc with
/// errno checked, because the .NET equivalents either swallow fsync errors or can be disabled.
/// </summary>
internal sealed class PosixFileSystem : IFileSystem
{
    private const int OWriteOnly = 1;
    private const int OExclusiveLinux = 0x80;

    public static readonly PosixFileSystem Instance = new();

    public bool DirectoryExists(string path) => Directory.Exists(path);

    public bool FileExists(string path) => File.Exists(path);

    public void CreateDirectoryDurable(string path)
    {
        var full = Path.GetFullPath(path);
        var missing = new Stack<string>();
        for (var dir = full; dir is not null && !Directory.Exists(dir); dir = Path.GetDirectoryName(dir))
        {
            missing.Push(dir);
        }

        while (missing.Count > 0)
        {
            var dir = missing.Pop();
            Directory.CreateDirectory(dir);
            var parent = Path.GetDirectoryName(dir);
            if (parent is not null)
            {
                SyncDirectory(parent);
            }
        }
    }

    public IWritableFile CreateNew(string path)
    {
        if (OperatingSystem.IsLinux())
        {
            return CreateNewAt(Libc.AT_FDCWD, path, path);
        }

        var handle = File.OpenHandle(path, FileMode.CreateNew, FileAccess.Write, FileShare.Read, FileOptions.None);
        return new WritableFile(handle, path, 0);
    }

    public IWritableFile OpenAppend(string path)
    {
        var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Write, FileShare.Read, FileOptions.None);
        return new WritableFile(handle, path, RandomAccess.GetLength(handle));
    }

    public IReadableFile OpenRead(string path)
    {
        var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, FileOptions.RandomAccess);
        return new ReadableFile(handle);
    }

    public IReadOnlyList<FileEntry> ListFiles(string directory)
    {
        var result = new List<FileEntry>();
        var info = new DirectoryInfo(directory);
        if (!info.Exists)
        {
            return result;
        }

        foreach (var file in info.EnumerateFiles())
        {
            try
            {
                result.Add(new FileEntry(file.Name, file.Length));
            }
            catch (FileNotFoundException)
            {
                // Deleted between listing and stat: it is simply not there any more.
            }
        }

        return result;
    }

    public void RenameNoReplace(string source, string destination)
    {
        if (!Libc.IsUnix)
        {
            File.Move(source, destination, overwrite: false);
            return;
        }

        if (OperatingSystem.IsLinux())
        {
            RenameNoReplaceAt(Libc.AT_FDCWD, source, destination, source, destination);
            return;
        }

        // File systems without RENAME_NOREPLACE: link() fails atomically if the target exists.
        if (Libc.Link(source, destination) != 0)
        {
            throw Failure("link", destination, Libc.LastErrno);
        }

        if (Libc.Unlink(source) != 0)
        {
            throw Failure("unlink", source, Libc.LastErrno);
        }
    }

    public void Delete(string path) => File.Delete(path);

    public bool DeleteIfExists(string path)
    {
        if (!OperatingSystem.IsLinux())
        {
            if (!File.Exists(path))
            {
                return false;
            }

            File.Delete(path);
            return true;
        }

        return DeleteIfExistsAt(Libc.AT_FDCWD, path, path);
    }

    public void SyncDirectory(string path)
    {
        if (!Libc.IsUnix)
        {
            return; // Windows makes renames durable with the file's own flush.
        }

        var fd = Libc.Open(path, Libc.O_RDONLY | Libc.OpenFlagsDirectory | Libc.OpenFlagsCloexec, 0);
        if (fd < 0)
        {
            throw Failure("open directory", path, Libc.LastErrno);
        }

        try
        {
            if (Libc.Fsync(fd) != 0)
            {
                throw Failure("fsync directory", path, Libc.LastErrno);
            }
        }
        finally
        {
            Libc.Close(fd);
        }
    }

    public void CheckWritableDirectory(string path)
    {
        if (OperatingSystem.IsLinux() && Libc.Faccessat(Libc.AT_FDCWD, path, Libc.W_OK | Libc.X_OK, Libc.AT_EACCESS_LINUX) != 0)
        {
            var errno = Libc.LastErrno;
            if (errno is not (Errno.ENOSYS or Errno.EINVAL))
            {
                throw Failure("open for writing", path, errno);
            }
        }
    }

    public IDirectory? OpenDirectory(string path)
    {
        if (!OperatingSystem.IsLinux())
        {
            return null;
        }

        var fd = Libc.Open(path, Libc.O_RDONLY | Libc.OpenFlagsDirectory | Libc.OpenFlagsCloexec, 0);
        if (fd < 0)
        {
            throw Failure("open directory", path, Libc.LastErrno);
        }

        return new PosixDirectory(new SafeFileHandle(fd, ownsHandle: true), path);
    }

    public IFileLock? TryLock(string path, Func<string, string> record, out string? currentHolder)
    {
        currentHolder = null;
        if (!Libc.IsUnix)
        {
            return WindowsLock(path, record, out currentHolder);
        }

        while (true)
        {
            var fd = Libc.Open(path, Libc.O_RDWR | Libc.OpenFlagsCreate | Libc.OpenFlagsCloexec, 420 /* 0644 */);
            if (fd < 0)
            {
                throw Failure("open lock file", path, Libc.LastErrno);
            }

            if (Libc.Flock(fd, Libc.LOCK_EX | Libc.LOCK_NB) != 0)
            {
                var errno = Libc.LastErrno;
                try
                {
                    if (!Errno.IsWouldBlock(errno))
                    {
                        throw Failure("lock", path, errno);
                    }

                    currentHolder = HolderFromKernel(path, ReadAll(fd));
                    return null;
                }
                finally
                {
                    Libc.Close(fd);
                }
            }

            var held = new FdLock(fd, path);
            try
            {
                if (!held.IsStillAtPath())
                {
                    // A takeover put a new file at the path between our open and our flock: the lock we got is
                    // on the old one, which guards nothing any more. Try again on the file that is there now.
                    held.Dispose();
                    continue;
                }

                // Durable: the record carries the generation and the fences, which must never go backwards.
                held.Write(record(ReadAll(fd)), sync: true);
            }
            catch
            {
                held.Dispose();
                throw;
            }

            return held;
        }
    }

    public IFileLock TakeOverLock(string path, Func<string, string> record)
    {
        if (!OperatingSystem.IsLinux())
        {
            throw new NotSupportedException("Taking a writer lock over from its holder is supported on Linux only.");
        }

        // A new file, locked and written before it replaces the old one with a rename, so the path never
        // shows an empty or unlocked lock file. The old holder keeps its lock on the old file.
        var temp = TemporaryFiles.NameFor(path, unique: false);
        TemporaryFiles.Claim(temp);
        try
        {
            return TakeOverLock(path, temp, record);
        }
        finally
        {
            TemporaryFiles.Release(temp);
        }
    }

    private IFileLock TakeOverLock(string path, string temp, Func<string, string> record)
    {
        var fd = Libc.Open(temp, Libc.O_RDWR | Libc.OpenFlagsCreate | Libc.OpenFlagsCloexec, 420 /* 0644 */);
        if (fd < 0)
        {
            throw Failure("create lock file", temp, Libc.LastErrno);
        }

        var held = new FdLock(fd, path);
        try
        {
            if (Libc.Flock(fd, Libc.LOCK_EX | Libc.LOCK_NB) != 0)
            {
                throw Failure("lock", temp, Libc.LastErrno);
            }

            var previous = ReadLockRecord(path);
            held.Write(record(previous), sync: true);
            // A plain rename, replacing: the one place the old file is meant to go.
            if (Libc.Renameat2(Libc.AT_FDCWD, temp, Libc.AT_FDCWD, path, 0) != 0)
            {
                throw Failure("rename lock file into place", path, Libc.LastErrno);
            }

            SyncDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
            return held;
        }
        catch
        {
            held.Dispose();
            Libc.Unlink(temp);
            throw;
        }
    }

    /// <summary>
    /// The holder writes its pid into the lock file just after it locks, so a loser can look in
    /// between and find nothing (or a dead predecessor's pid). On Linux the kernel knows the real
    /// holder: /proc/locks lists each flock with its pid and inode.
    /// </summary>
    private static string HolderFromKernel(string path, string recorded)
    {
        if (!OperatingSystem.IsLinux())
        {
            return recorded;
        }

        ulong inode;
        unsafe
        {
            var buffer = stackalloc byte[Libc.StatxBufferSize];
            if (Libc.Statx(Libc.AT_FDCWD, path, 0, Libc.STATX_INO, buffer) != 0)
            {
                return recorded;
            }

            inode = *(ulong*)(buffer + Libc.StatxInodeOffset);
        }

        try
        {
            foreach (var line in File.ReadLines("/proc/locks"))
            {
                // "1: FLOCK  ADVISORY  WRITE 5928 fd:01:1234567 0 EOF"; blocked waiters have "->" in place of the type.
                var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (fields.Length < 6 || fields[1] != "FLOCK" || fields[3] != "WRITE")
                {
                    continue;
                }

                var id = fields[5].Split(':');
                if (id.Length == 3 && ulong.TryParse(id[2], NumberStyles.None, CultureInfo.InvariantCulture, out var lockedInode) && lockedInode == inode
                    && int.TryParse(fields[4], NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
                {
                    var (recordedPid, _) = LocalDirectoryStore.ParseHolder(recorded);
                    return recordedPid == pid ? recorded : $"pid={pid}\nhost={Environment.MachineName}\n";
                }
            }
        }
        catch (IOException)
        {
            // /proc not mounted: the recorded text is all there is.
        }

        return recorded;
    }

    /// <summary>
    /// The text of a lock file, empty when there is none. Read with open(2): .NET would put a shared flock
    /// on the file, which the holder's exclusive one refuses.
    /// </summary>
    public string ReadLockRecord(string path)
    {
        if (!Libc.IsUnix)
        {
            return WindowsReadRecord(path);
        }

        var fd = Libc.Open(path, 0 /* O_RDONLY */ | Libc.OpenFlagsCloexec, 0);
        if (fd < 0)
        {
            var errno = Libc.LastErrno;
            return errno == Errno.ENOENT ? string.Empty : throw Failure("read lock file", path, errno);
        }

        try
        {
            return ReadAll(fd);
        }
        finally
        {
            Libc.Close(fd);
        }
    }

    private static string WindowsReadRecord(string path)
    {
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            return new StreamReader(stream, Encoding.UTF8).ReadToEnd();
        }
        catch (FileNotFoundException)
        {
            return string.Empty;
        }
    }

    private static string ReadAll(int fd)
    {
        var buffer = new byte[4096];
        unsafe
        {
            fixed (byte* p = buffer)
            {
                var n = Libc.Pread(fd, p, (nuint)buffer.Length, 0);
                return n <= 0 ? string.Empty : Encoding.UTF8.GetString(buffer, 0, (int)n);
            }
        }
    }

    private static IFileLock? WindowsLock(string path, Func<string, string> record, out string? currentHolder)
    {
        currentHolder = null;
        try
        {
            var stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read);
            var previous = new StreamReader(stream, Encoding.UTF8, leaveOpen: true).ReadToEnd();
            stream.SetLength(0);
            stream.Write(Encoding.UTF8.GetBytes(record(previous)));
            stream.Flush(flushToDisk: true);
            return new StreamLock(stream, path);
        }
        catch (IOException)
        {
            try
            {
                currentHolder = File.ReadAllText(path);
            }
            catch (IOException)
            {
                currentHolder = string.Empty;
            }

            return null;
        }
    }

    /// <summary>The lock where there is no flock: a file kept open without write sharing (Windows).</summary>
    private sealed class StreamLock(FileStream stream, string path) : IFileLock
    {
        public string ReadCurrentRecord()
        {
            stream.Position = 0;
            return new StreamReader(stream, Encoding.UTF8, leaveOpen: true).ReadToEnd();
        }

        public void Rewrite(string record)
        {
            stream.SetLength(0);
            stream.Write(Encoding.UTF8.GetBytes(record));
            stream.Flush(flushToDisk: true);
        }

        public void Dispose() => stream.Dispose();

        public override string ToString() => path;
    }

    internal static IOException Failure(string operation, string path, int errno) =>
        new FileSystemIOException($"{operation} failed for '{path}': {Errno.Describe(errno)}", errno);

    // Linux: the path operations and those of PosixDirectory are one code, relative to the working
    // directory (AT_FDCWD, with a path) or to an open directory (with a name); `path` is for messages.
    private static WritableFile CreateNewAt(int dirFd, string name, string path)
    {
        // Straight to open(2): File.OpenHandle would also fstatfs, flock and lseek the new file,
        // a quarter of a small checkpoint's system calls; an O_EXCL file nobody else can open needs none of that.
        var fd = Libc.Openat(dirFd, name, OWriteOnly | OExclusiveLinux | Libc.OpenFlagsCreate | Libc.OpenFlagsCloexec, 438 /* 0666, less the umask */);
        if (fd < 0)
        {
            throw Failure("create", path, Libc.LastErrno);
        }

        return new WritableFile(new SafeFileHandle(fd, ownsHandle: true), path, 0);
    }

    private static void RenameNoReplaceAt(int dirFd, string source, string destination, string sourcePath, string destinationPath)
    {
        if (Libc.Renameat2(dirFd, source, dirFd, destination, Libc.RENAME_NOREPLACE) == 0)
        {
            return;
        }

        var errno = Libc.LastErrno;
        if (errno is not (Errno.EINVAL or Errno.ENOSYS or Errno.EOPNOTSUPP))
        {
            throw Failure("rename", destinationPath, errno);
        }

        // File systems without RENAME_NOREPLACE: link() fails atomically if the target exists.
        if (Libc.Linkat(dirFd, source, dirFd, destination, 0) != 0)
        {
            throw Failure("link", destinationPath, Libc.LastErrno);
        }

        if (Libc.Unlinkat(dirFd, source, 0) != 0)
        {
            throw Failure("unlink", sourcePath, Libc.LastErrno);
        }
    }

    private static bool DeleteIfExistsAt(int dirFd, string name, string path)
    {
        // One unlink(2), where File.Exists + File.Delete make an lstat and an unlink.
        if (Libc.Unlinkat(dirFd, name, 0) == 0)
        {
            return true;
        }

        var errno = Libc.LastErrno;
        return errno is Errno.ENOENT or Errno.ENOTDIR or Errno.EISDIR ? false : throw Failure("delete", path, errno);
    }

    /// <summary>
    /// A run directory held open (Linux): creating, renaming and deleting by name, and fsync of the
    /// directory itself, without opening it or walking its path every time.
    /// </summary>
    private sealed class PosixDirectory(SafeFileHandle handle, string path) : IDirectory
    {
        public IWritableFile CreateNew(string name)
        {
            var added = false;
            try
            {
                handle.DangerousAddRef(ref added);
                return CreateNewAt(Fd, name, Path.Combine(path, name));
            }
            finally
            {
                Release(added);
            }
        }

        public void RenameNoReplace(string source, string destination)
        {
            var added = false;
            try
            {
                handle.DangerousAddRef(ref added);
                RenameNoReplaceAt(Fd, source, destination, Path.Combine(path, source), Path.Combine(path, destination));
            }
            finally
            {
                Release(added);
            }
        }

        public bool DeleteIfExists(string name)
        {
            var added = false;
            try
            {
                handle.DangerousAddRef(ref added);
                return DeleteIfExistsAt(Fd, name, Path.Combine(path, name));
            }
            finally
            {
                Release(added);
            }
        }

        public void Sync()
        {
            var added = false;
            try
            {
                handle.DangerousAddRef(ref added);
                if (Libc.Fsync(Fd) != 0)
                {
                    throw Failure("fsync directory", path, Libc.LastErrno);
                }
            }
            finally
            {
                Release(added);
            }
        }

        public void Dispose() => handle.Dispose();

        private int Fd => (int)handle.DangerousGetHandle();

        private void Release(bool added)
        {
            if (added)
            {
                handle.DangerousRelease();
            }
        }
    }

    /// <summary>An flock held on an open file, which it can tell is still the one at its path.</summary>
    private sealed class FdLock(int fd, string path) : IFileLock
    {
        private int _fd = fd;

        // The locked file's inode never changes: learned once, so that each check is a single statx of the path.
        private ulong? _inode;

        public bool IsStillAtPath()
        {
            // Released (a check racing Dispose): not a takeover; the caller's own disposed checks report that.
            var fd = Volatile.Read(ref _fd);
            if (fd < 0 || !OperatingSystem.IsLinux())
            {
                return true;
            }

            unsafe
            {
                var buffer = stackalloc byte[Libc.StatxBufferSize];
                if (_inode is not ulong mine)
                {
                    if (Libc.Statx(fd, string.Empty, Libc.AT_EMPTY_PATH, Libc.STATX_INO, buffer) != 0)
                    {
                        return CannotTell("stat lock file", Libc.LastErrno);
                    }

                    _inode = mine = *(ulong*)(buffer + Libc.StatxInodeOffset);
                }

                if (Libc.Statx(Libc.AT_FDCWD, path, 0, Libc.STATX_INO, buffer) != 0)
                {
                    var errno = Libc.LastErrno;
                    return errno != Errno.ENOENT && CannotTell("stat lock file", errno);
                }

                return *(ulong*)(buffer + Libc.StatxInodeOffset) == mine;
            }
        }

        public void Rewrite(string record) => Write(record, sync: true);

        // statx refused by a sandbox (seccomp: EPERM, ENOSYS) cannot tell a takeover: take the lock as held, as
        // before fencing existed. Any other failure is the disk's, reported as such.
        private bool CannotTell(string operation, int errno) =>
            errno is Errno.EPERM or Errno.ENOSYS ? true : throw Failure(operation, path, errno);

        public string ReadCurrentRecord() => Instance.ReadLockRecord(path);

        /// <summary>Replaces the file's content (ours while we hold the lock); with <paramref name="sync"/>, fdatasync: its bytes and size are what matter.</summary>
        public void Write(string content, bool sync)
        {
            var bytes = Encoding.UTF8.GetBytes(content);
            unsafe
            {
                fixed (byte* p = bytes)
                {
                    // Over the old record, then cut to length: a write that fails or is cut short leaves the old
                    // record (or the new one followed by old lines, which Parse reads to the higher generation), never an empty file.
                    if (Libc.Pwrite(_fd, p, (nuint)bytes.Length, 0) != bytes.Length || Libc.Ftruncate(_fd, bytes.Length) != 0 || (sync && Libc.Fdatasync(_fd) != 0))
                    {
                        throw Failure("write lock file", path, Libc.LastErrno);
                    }
                }
            }
        }

        public void Dispose()
        {
            var fd = Interlocked.Exchange(ref _fd, -1);
            if (fd >= 0)
            {
                Libc.Flock(fd, Libc.LOCK_UN);
                Libc.Close(fd);
            }
        }
    }

    private sealed class WritableFile(SafeFileHandle handle, string path, long length) : IWritableFile
    {
        private bool _syncFailed;

        public long Length { get; private set; } = length;

        public void Append(ReadOnlySpan<byte> data)
        {
            if (Libc.IsUnix)
            {
                // pwrite(2) directly: RandomAccess.Write would first lseek the handle to learn whether it can seek.
                WriteAt(data, Length);
            }
            else
            {
                RandomAccess.Write(handle, data, Length);
            }

            Length += data.Length;
        }

        public void Truncate(long length)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(length);
            RandomAccess.SetLength(handle, length);
            Length = length;
        }

        public void Sync() => Flush(dataOnly: false);

        public void SyncData() => Flush(dataOnly: OperatingSystem.IsLinux());

        private void Flush(bool dataOnly)
        {
            if (_syncFailed)
            {
                throw new InvalidOperationException("fsync already failed on this file; its contents are unknown and it must be discarded.");
            }

            if (!Libc.IsUnix)
            {
                using var stream = new FileStream(handle, FileAccess.Write);
                stream.Flush(flushToDisk: true);
                return;
            }

            var fd = (int)handle.DangerousGetHandle();
            if ((dataOnly ? Libc.Fdatasync(fd) : Libc.Fsync(fd)) != 0)
            {
                _syncFailed = true;
                throw Failure(dataOnly ? "fdatasync" : "fsync", path, Libc.LastErrno);
            }
        }

        public void Dispose() => handle.Dispose();

        private unsafe void WriteAt(ReadOnlySpan<byte> data, long offset)
        {
            var added = false;
            try
            {
                handle.DangerousAddRef(ref added);
                var fd = (int)handle.DangerousGetHandle();
                fixed (byte* start = data)
                {
                    var written = 0;
                    while (written < data.Length)
                    {
                        var n = Libc.Pwrite(fd, start + written, (nuint)(data.Length - written), offset + written);
                        if (n > 0)
                        {
                            written += (int)n;
                            continue;
                        }

                        var errno = n < 0 ? Libc.LastErrno : Errno.EIO;
                        if (errno != Errno.EINTR)
                        {
                            throw Failure("write", path, errno);
                        }
                    }
                }
            }
            finally
            {
                if (added)
                {
                    handle.DangerousRelease();
                }
            }
        }
    }

    private sealed class ReadableFile(SafeFileHandle handle) : IReadableFile
    {
        public long Length { get; } = RandomAccess.GetLength(handle);

        public int ReadAt(long offset, Span<byte> buffer)
        {
            var total = 0;
            while (total < buffer.Length)
            {
                var n = RandomAccess.Read(handle, buffer[total..], offset + total);
                if (n == 0)
                {
                    break;
                }

                total += n;
            }

            return total;
        }

        public void Dispose() => handle.Dispose();
    }
}
