namespace Checkpointing;

/// <summary>
/// A checkpoint was written in a format major version this library cannot read (usually by a
/// newer version of Checkpointing). The file is left untouched; upgrade the library to read it.
/// </summary>
public sealed class CheckpointVersionException : CheckpointException
{
    /// <summary>Creates the exception.</summary>
    public CheckpointVersionException(string message, string? filePath, int fileMajorVersion)
        : base(message)
    {
        FilePath = filePath;
        FileMajorVersion = fileMajorVersion;
    }

    /// <summary>The file with the unsupported version.</summary>
    public string? FilePath { get; }

    /// <summary>The major format version found in the file.</summary>
    public int FileMajorVersion { get; }
}
