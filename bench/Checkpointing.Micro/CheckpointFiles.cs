using Checkpointing.Format;
using Checkpointing.Storage;

namespace Checkpointing.Micro;

/// <summary>Writes whole .ckpt files the way <c>CheckpointManager.Save</c> does, through the writer's public entry points.</summary>
internal static class CheckpointFiles
{
    public const string WeightsSection = "weights";

    /// <summary>
    /// A "state" section (stored raw when under <see cref="CheckpointFileWriter.SmallChunkLength"/>, like the manager), an optional
    /// float64 "weights" binary section written as the manager writes one (chunks compressed on all cores), then the manifest.
    /// </summary>
    public static long Write(IPendingCheckpointFile file, CheckpointCompression compression, ReadOnlySpan<byte> state, ReadOnlyMemory<double> weights = default)
    {
        var minor = weights.IsEmpty ? FormatConstants.MinorVersion : FormatConstants.BinarySectionsMinorVersion;
        using var writer = new CheckpointFileWriter(file, compression, minorVersion: minor, minCompressedLength: CheckpointFileWriter.SmallChunkLength);
        writer.WriteSection(FormatConstants.StateSectionName, "state", "application/json", state);
        if (!weights.IsEmpty)
        {
            writer.WriteSection(WeightsSection, "binary", "application/octet-stream", new MemorySectionContent<double>(WeightsSection, weights));
        }

        return writer.Finish(BenchData.NewManifest(ChunkCodec.Name(ChunkCodec.FromOption(compression)), minor));
    }

    /// <summary>The bytes of a file written by <see cref="Write"/>.</summary>
    public static byte[] Bytes(CheckpointCompression compression, ReadOnlySpan<byte> state, ReadOnlyMemory<double> weights = default)
    {
        var file = new MemoryPendingFile(state.Length + (weights.Length * sizeof(double)) + (64 * 1024));
        Write(file, compression, state, weights);
        return file.Written.ToArray();
    }
}
