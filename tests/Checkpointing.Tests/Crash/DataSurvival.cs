namespace Checkpointing.Tests.Crash;

/// <summary>What survives of the bytes appended to a file after its last successful fsync.</summary>
internal enum DataSurvival
{
    /// <summary>Nothing: the file is cut back to its synced length.</summary>
    SyncedOnly,

    /// <summary>Everything that was appended.</summary>
    All,

    /// <summary>The file keeps its size but every unsynced byte is replaced by garbage (size updated, data blocks never written).</summary>
    Garbage,

    /// <summary>Per file, a seeded choice of: nothing, everything, a prefix, or a prefix followed by garbage (random or zero bytes).</summary>
    Random,
}
