namespace Checkpointing.Storage;

/// <summary>An I/O failure reported by a libc call, with its errno kept for classification.</summary>
internal sealed class FileSystemIOException(string message, int errno) : IOException(message, errno)
{
    public int Errno { get; } = errno;
}
