using Checkpointing.Format;
using Checkpointing.Tests.Format;

namespace Checkpointing.Tests.Corruption;

/// <summary>Small checkpoints of every codec, with several chunks and two sections, to damage.</summary>
internal static class CorruptionBases
{
    public const int ChunkSize = 128;

    public static IReadOnlyList<(string Name, byte[] Bytes)> Create()
    {
        var rng = new Random(1234);
        var text = System.Text.Encoding.UTF8.GetBytes(string.Concat(Enumerable.Range(0, 60).Select(i => $"{{\"step\":{i},\"loss\":0.{i}}}")));
        var noise = new byte[300];
        rng.NextBytes(noise);
        var state = text.Concat(noise).ToArray();
        var extra = new byte[200];
        rng.NextBytes(extra);
        return
        [
            ("none", CheckpointBytes.Write(CheckpointCompression.None, ChunkSize, (FormatConstants.StateSectionName, state), ("extra", extra))),
            ("gzip", CheckpointBytes.Write(CheckpointCompression.Gzip, ChunkSize, (FormatConstants.StateSectionName, state), ("extra", extra))),
            ("zstd", CheckpointBytes.Write(CheckpointCompression.Zstd, ChunkSize, (FormatConstants.StateSectionName, state), ("extra", extra))),
            ("zstd-single-chunk", CheckpointBytes.Write(CheckpointCompression.Zstd, FormatConstants.DefaultChunkSize, (FormatConstants.StateSectionName, state))),
        ];
    }
}
