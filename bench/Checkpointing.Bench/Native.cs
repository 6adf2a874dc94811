using System.Runtime.InteropServices;

namespace Checkpointing.Bench;

/// <summary>The libc calls the raw baselines use, each result checked.</summary>
internal static partial class Native
{
    private const int ODirectoryLinux = 0x10000;
    private const int ODirectoryMac = 0x100000;

    public static void Fsync(SafeHandle handle) =>
        Check(fsync((int)handle.DangerousGetHandle()), "fsync");

    public static void Fdatasync(SafeHandle handle) =>
        Check(OperatingSystem.IsMacOS() ? fsync((int)handle.DangerousGetHandle()) : fdatasync((int)handle.DangerousGetHandle()), "fdatasync");

    public static void FsyncDirectory(string path)
    {
        var fd = open(path, OperatingSystem.IsMacOS() ? ODirectoryMac : ODirectoryLinux);
        Check(fd, "open directory");
        try
        {
            Check(fsync(fd), "fsync directory");
        }
        finally
        {
            _ = close(fd);
        }
    }

    private static void Check(int result, string operation)
    {
        if (result < 0)
        {
            throw new IOException($"{operation} failed: errno {Marshal.GetLastPInvokeError()} ({Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError())})");
        }
    }

#pragma warning disable SA1300, IDE1006 // libc names
    [LibraryImport("libc", SetLastError = true)]
    private static partial int fsync(int fd);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int fdatasync(int fd);

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int open(string path, int flags);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int close(int fd);
#pragma warning restore SA1300, IDE1006
}
