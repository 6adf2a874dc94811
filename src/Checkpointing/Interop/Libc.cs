using System.Runtime.InteropServices;

namespace Checkpointing.Interop;

/// <summary>
/// The few libc calls the durability protocol depends on. .NET's own <c>Flush(true)</c> ignores
/// fsync errors on Linux, and its file locking can be switched off by an environment variable,
/// so these go straight to the C library and every result is checked.
/// </summary>
internal static partial class Libc
{
    private const string Lib = "libc";

    public const int O_RDONLY = 0;
    public const int O_RDWR = 2;
    public const int O_CLOEXEC_LINUX = 0x80000;
    public const int O_CREAT_LINUX = 0x40;
    public const int O_DIRECTORY_LINUX = 0x10000;
    public const int O_CLOEXEC_MAC = 0x1000000;
    public const int O_CREAT_MAC = 0x200;
    public const int O_DIRECTORY_MAC = 0x100000;

    public const int LOCK_EX = 2;
    public const int LOCK_NB = 4;
    public const int LOCK_UN = 8;

    public const uint RENAME_NOREPLACE = 1;
    public const int AT_FDCWD = -100;

    /// <summary>statx of the descriptor itself (an empty path).</summary>
    public const int AT_EMPTY_PATH = 0x1000;

    [LibraryImport(Lib, EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int Open(string path, int flags, int mode);

    [LibraryImport(Lib, EntryPoint = "close", SetLastError = true)]
    public static partial int Close(int fd);

    [LibraryImport(Lib, EntryPoint = "fsync", SetLastError = true)]
    public static partial int Fsync(int fd);

    /// <summary>Like fsync, but skips metadata a later read does not need (timestamps); the size of an appended file is still flushed.</summary>
    [LibraryImport(Lib, EntryPoint = "fdatasync", SetLastError = true)]
    public static partial int Fdatasync(int fd);

    [LibraryImport(Lib, EntryPoint = "flock", SetLastError = true)]
    public static partial int Flock(int fd, int operation);

    [LibraryImport(Lib, EntryPoint = "ftruncate", SetLastError = true)]
    public static partial int Ftruncate(int fd, long length);

    [LibraryImport(Lib, EntryPoint = "pwrite", SetLastError = true)]
    public static unsafe partial nint Pwrite(int fd, byte* buffer, nuint count, long offset);

    [LibraryImport(Lib, EntryPoint = "pread", SetLastError = true)]
    public static unsafe partial nint Pread(int fd, byte* buffer, nuint count, long offset);

    [LibraryImport(Lib, EntryPoint = "renameat2", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int Renameat2(int oldDirFd, string oldPath, int newDirFd, string newPath, uint flags);

    [LibraryImport(Lib, EntryPoint = "openat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int Openat(int dirFd, string path, int flags, int mode);

    [LibraryImport(Lib, EntryPoint = "unlinkat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int Unlinkat(int dirFd, string path, int flags);

    [LibraryImport(Lib, EntryPoint = "linkat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int Linkat(int oldDirFd, string oldPath, int newDirFd, string newPath, int flags);

    [LibraryImport(Lib, EntryPoint = "link", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int Link(string oldPath, string newPath);

    [LibraryImport(Lib, EntryPoint = "unlink", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int Unlink(string path);

    public const uint STATX_INO = 0x100;

    /// <summary>Offset of <c>stx_ino</c> in <c>struct statx</c>, whose layout is the same on every architecture.</summary>
    public const int StatxInodeOffset = 32;

    public const int StatxBufferSize = 256;

    [LibraryImport(Lib, EntryPoint = "statx", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static unsafe partial int Statx(int dirFd, string path, int flags, uint mask, byte* buffer);

    /// <summary>Linux getrandom(2): bytes from the kernel's cryptographic generator, without opening a file or loading OpenSSL.</summary>
    [LibraryImport(Lib, EntryPoint = "getrandom", SetLastError = true)]
    public static unsafe partial nint GetRandom(byte* buffer, nuint count, uint flags);

    public const int W_OK = 2;
    public const int X_OK = 1;
    public const int AT_EACCESS_LINUX = 0x200;

    /// <summary>faccessat(2): whether this process may access a path, judged with its effective ids (AT_EACCESS) as open(2) would.</summary>
    [LibraryImport(Lib, EntryPoint = "faccessat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int Faccessat(int dirFd, string path, int mode, int flags);

    [LibraryImport(Lib, EntryPoint = "geteuid")]
    public static partial uint Geteuid();

    public static int OpenFlagsCloexec => OperatingSystem.IsMacOS() ? O_CLOEXEC_MAC : O_CLOEXEC_LINUX;

    public static int OpenFlagsCreate => OperatingSystem.IsMacOS() ? O_CREAT_MAC : O_CREAT_LINUX;

    public static int OpenFlagsDirectory => OperatingSystem.IsMacOS() ? O_DIRECTORY_MAC : O_DIRECTORY_LINUX;

    public static bool IsUnix => OperatingSystem.IsLinux() || OperatingSystem.IsMacOS() || OperatingSystem.IsFreeBSD();

    public static int LastErrno => Marshal.GetLastPInvokeError();
}
