using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Downloads;

/// <summary>
/// fsync with its error checked: .NET's <c>Flush(flushToDisk: true)</c> ignores fsync failures on
/// Linux, and a downloaded file must be on disk before its completion is recorded.
/// </summary>
internal static partial class Durable
{
    private const int ReadOnly = 0;

    private static int DirectoryFlag => OperatingSystem.IsMacOS() ? 0x100000 : 0x10000;

    /// <summary>Flushes <paramref name="file"/> and fsyncs it.</summary>
    public static void Sync(FileStream file)
    {
        file.Flush();
        Check(Fsync(file.SafeFileHandle), file.Name);
    }

    /// <summary>fsyncs a directory, so a rename or a new file in it survives a power cut.</summary>
    public static void SyncDirectory(string path)
    {
        var fd = Open(path, ReadOnly | DirectoryFlag);
        if (fd < 0)
        {
            throw Error("open", path);
        }

        try
        {
            Check(FsyncFd(fd), path);
        }
        finally
        {
            _ = Close(fd);
        }
    }

    /// <summary>Writes <paramref name="path"/> atomically and durably: temp file, fsync, rename, directory fsync.</summary>
    public static void WriteAllBytes(string path, ReadOnlySpan<byte> bytes)
    {
        var temp = path + ".tmp";
        using (var file = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            file.Write(bytes);
            Sync(file);
        }

        File.Move(temp, path, overwrite: true);
        SyncDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
    }

    private static void Check(int result, string path)
    {
        if (result != 0)
        {
            throw Error("fsync", path);
        }
    }

    private static IOException Error(string call, string path)
    {
        var errno = Marshal.GetLastPInvokeError();
        return new IOException($"Could not {call} {path}: {Marshal.GetPInvokeErrorMessage(errno)} (errno {errno}).");
    }

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static partial int Fsync(SafeFileHandle fd);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static partial int FsyncFd(int fd);

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int Close(int fd);
}
