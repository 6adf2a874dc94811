using Checkpointing.Interop;

namespace Checkpointing.Storage;

/// <summary>Turns I/O failures into <see cref="CheckpointStorageException"/> with the errno classified and advice attached.</summary>
internal static class StorageErrors
{
    public const string CheckpointsKept = "Checkpoints saved earlier are untouched.";
    public const string RecordsKept = "Records committed earlier are kept.";
    public const string NothingCreated = "Nothing was created.";

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

        // Opening read-only helps a writer of an existing run, not a reader, nor a run that does not exist yet.
        var reading = operation == "list" || operation.StartsWith("read", StringComparison.Ordinal);
        var readOnlyHint = reading || consequence == NothingCreated ? string.Empty : " To only list and load checkpoints, open the run with CheckpointOptions.ReadOnly = true.";
        var fewerCheckpoints = consequence == CheckpointsKept ? " (or keep fewer checkpoints: KeepLastN, MaxTotalBytes)" : string.Empty;
        var advice = errno switch
        {
            Errno.ENOSPC or Errno.EDQUOT => $" Free some space on that file system{fewerCheckpoints} and try again.",
            Errno.EACCES or Errno.EPERM when reading => $" Give the user this process runs as{CurrentUser()} read access to it (chown or chmod) and try again.",
            Errno.EACCES or Errno.EPERM =>
                $" Give the user this process runs as{CurrentUser()} access to it (chown or chmod), or point RootDirectory at a directory it can write." + readOnlyHint,
            Errno.EROFS => " The file system is mounted read-only: remount it read-write, or point RootDirectory at a writable location." + readOnlyHint,
            _ => string.Empty,
        };
        return new CheckpointStorageException(
            $"Could not {operation} '{path}': {Detail(path, ex, errno)}.{advice} {consequence}",
            errno is int e && Errno.IsTransient(e),
            ex,
            errno);
    }

    /// <summary>
    /// What went wrong, without repeating the path: the errno's name when the underlying message is about the same
    /// path, else that message (with the errno's name when it lacks one).
    /// </summary>
    private static string Detail(string path, Exception ex, int? errno)
    {
        var message = ex.Message.TrimEnd('.');
        if (errno is not int e)
        {
            return message;
        }

        var described = Errno.Describe(e);
        if (message.Contains($"'{path}'", StringComparison.Ordinal))
        {
            return described;
        }

        var name = described.Split(' ')[0];
        return message.Contains(name, StringComparison.Ordinal) ? message : $"{message}: {described}";
    }

    private static string CurrentUser() => Libc.IsUnix ? $" (uid {Libc.Geteuid()})" : string.Empty;
}
