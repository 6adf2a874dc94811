namespace Checkpointing.Tests.Crash;

/// <summary>Which directory changes (create, rename, delete) made after a directory's last fsync survive a crash.</summary>
internal enum NamespaceSurvival
{
    /// <summary>None: each directory is exactly as of its last fsync.</summary>
    SyncedOnly,

    /// <summary>All of them, as if the journal had committed just before the power cut.</summary>
    All,

    /// <summary>A seeded random prefix of each directory's unsynced changes, in the order they were made.</summary>
    RandomPrefix,
}
