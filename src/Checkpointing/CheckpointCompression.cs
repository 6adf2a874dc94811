namespace Checkpointing;

/// <summary>How the chunks of a checkpoint are compressed. Every chunk is checksummed either way.</summary>
public enum CheckpointCompression
{
    /// <summary>Stored as is: fastest for data that does not compress (random weights, already-compressed blobs).</summary>
    None = 0,

    /// <summary>gzip (DEFLATE), as the seed's <c>.pkl.gz</c> files; readable by every platform, slower than zstd.</summary>
    Gzip = 1,

    /// <summary>Zstandard at a fast level: the default, several times faster than gzip at a similar ratio.</summary>
    Zstd = 2,
}
