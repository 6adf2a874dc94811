namespace Checkpointing.Storage;

/// <summary>
/// Deliberately broken variants of the publish protocol, used only by tests to prove that the
/// crash tests catch each missing step.
/// </summary>
[Flags]
internal enum LocalStoreFaults
{
    None = 0,
    SkipFileSync = 1,
    SkipDirectorySync = 2,
    WriteInPlace = 4,
}
