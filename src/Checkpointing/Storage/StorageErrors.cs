using Checkpointing.Interop;

namespace Checkpointing.Storage;

/// <summary>Turns I/O failures into <see cref="CheckpointStorageException"/> with the errno classified and advice attached.</summary>
internal static class StorageErrors
{
    public const string CheckpointsKept = "Checkpoints saved earlier are untouched.";
    public const string RecordsKept = "Records committed earlier are kept.";

    public static T Guard<T>(string operation, string path, Func<T> action, string consequence = CheckpointsKept)
    {
        try
        {
            return action();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw From(operation, path, ex, consequence);
        }
    }

    public static void Guard(string operation, string path, Action action, string consequence = CheckpointsKept) =>
        Guard(operation, path, () =>
        {
            action();
            return true;
        }, consequence);

    public static CheckpointStorageException From(string operation, string path, Exception ex, string consequence = CheckpointsKept)
    {
        var errno = ex switch
        {
            FileSystemIOException fse => fse.Errno,
            IOException io when io.HResult is > 0 and < 4096 => io.HResult,
            UnauthorizedAccessException => Errno.EACCES,
            _ => (int?)null,
        };
        var advice = errno switch
        {
            Errno.ENOSPC or Errno.EDQUOT => " Free some space (or keep fewer checkpoints: KeepLastN, MaxTotalBytes) and try again.",
            Errno.EACCES or Errno.EPERM => " Check the permissions of the checkpoint directory.",
            Errno.EROFS => " The file system is read-only; point RootDirectory at a writable location.",
            _ => string.Empty,
        };
        return new CheckpointStorageException(
            $"Could not {operation} '{path}': {ex.Message}.{advice} {consequence}",
            errno is int e && Errno.IsTransient(e),
            ex,
            errno);
    }
}
