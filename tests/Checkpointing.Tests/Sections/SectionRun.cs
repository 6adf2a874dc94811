using Checkpointing.Format;
using Checkpointing.Storage;
using Checkpointing.Tests.Format;
using Checkpointing.Tests.Manager;
using Microsoft.Extensions.Time.Testing;

namespace Checkpointing.Tests.Sections;

/// <summary>A temp root and a fake clock for section tests; opens managers of one run and reads its files back.</summary>
internal sealed class SectionRun : IDisposable
{
    public const string ProcessType = "sections";
    public const string RunName = "run";

    private readonly TempRoot _root = new();

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 2, 3, 4, 5, 6, TimeSpan.Zero));

    public string RunDirectory => _root.RunDirectory(ProcessType, RunName);

    public string QuarantineDirectory => Path.Combine(RunDirectory, LocalDirectoryStore.QuarantineDirectoryName);

    public CheckpointManager Open(Action<CheckpointOptions>? configure = null) =>
        new(ProcessType, RunName, _root.Options(o =>
        {
            o.TimeProvider = Time;
            o.KeepLastN = null;
            configure?.Invoke(o);
        }));

    /// <summary>Moves the clock on, so the next checkpoint gets a later file name.</summary>
    public void Tick() => Time.Advance(TimeSpan.FromSeconds(1));

    /// <summary>The manifest as stored in the file.</summary>
    public static Manifest ManifestOf(CheckpointMetadata metadata) => CheckpointBytes.ManifestOf(File.ReadAllBytes(metadata.FilePath));

    /// <summary>The bytes of one section's chunks (headers included), as stored in the file.</summary>
    public static byte[] SectionRegion(CheckpointMetadata metadata, string sectionName)
    {
        var file = File.ReadAllBytes(metadata.FilePath);
        var entry = CheckpointBytes.ManifestOf(file).Sections.Single(s => s.Name == sectionName);
        return file.AsSpan((int)entry.Offset, (int)entry.StoredLength).ToArray();
    }

    /// <summary>Every chunk of one section: header offset, codec and sizes.</summary>
    public static List<(int Offset, byte Codec, int RawLength, int StoredLength)> ChunksOf(byte[] file, string sectionName)
    {
        var entry = CheckpointBytes.ManifestOf(file).Sections.Single(s => s.Name == sectionName);
        return [.. CheckpointBytes.Chunks(file).Where(c => c.Offset >= entry.Offset && c.Offset < entry.Offset + entry.StoredLength)];
    }

    public void Dispose() => _root.Dispose();
}
