namespace Checkpointing.Tests.Crash;

/// <summary>The primitive operations <see cref="SimulatedFileSystem"/> counts, one per <c>IFileSystem</c> or file-handle call.</summary>
internal enum SimulatedOperationKind
{
    DirectoryExists,
    CreateDirectoryDurable,
    FileExists,
    CreateNew,
    OpenRead,
    ListFiles,
    Rename,
    Delete,
    SyncDirectory,
    TryLock,
    Append,
    Sync,
    Read,
    OpenAppend,
    Truncate,
}
