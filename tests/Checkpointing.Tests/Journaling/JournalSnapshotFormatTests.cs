using System.Text;
using Checkpointing.Format;
using Checkpointing.Journaling;
using Checkpointing.Tests.Format;
using Checkpointing.Tests.Manager;

namespace Checkpointing.Tests.Journaling;

/// <summary>
/// Format 1.1's one addition, the manifest's <c>journalSequence</c>: plain checkpoints stay byte-for-byte 1.0 files without
/// it, snapshots are marked 1.1, 1.0 readers' rules (unknown fields ignored) still read them, and a negative value is damage.
/// </summary>
public sealed class JournalSnapshotFormatTests : IDisposable
{
    private readonly TempRoot _root = new();

    public void Dispose() => _root.Dispose();

    [Fact]
    public void Save_PlainCheckpoint_HasNoJournalSequenceAndStaysFormat10()
    {
        using var manager = new CheckpointManager("format", "plain", _root.Options());
        var saved = manager.Save(new { Value = 1 }, step: 3);
        Assert.Null(saved.JournalSequence);
        Assert.Equal("1.0", saved.FormatVersion);
        var bytes = File.ReadAllBytes(saved.FilePath);
        Assert.Equal(0, bytes[10]);
        Assert.DoesNotContain("journalSequence", Encoding.UTF8.GetString(bytes), StringComparison.Ordinal);
        Assert.Null(Assert.Single(manager.List()).JournalSequence);
    }

    [Fact]
    public void Snapshot_WritesJournalSequenceAndMinorVersion1()
    {
        using var manager = new CheckpointManager("format", "snapshot", _root.Options());
        CheckpointMetadata saved;
        using (var work = WorkList.Open(manager, ["a", "b"]))
        {
            work.MarkStarted("a");
            work.MarkDone("b");
            saved = work.Snapshot();
        }

        Assert.Equal(2, saved.JournalSequence);
        Assert.Equal("1.1", saved.FormatVersion);
        var bytes = File.ReadAllBytes(saved.FilePath);
        Assert.Equal(1, bytes[8]);
        Assert.Equal(1, bytes[10]);
        var (manifest, state) = CheckpointBytes.Read(bytes);
        Assert.Equal(2, manifest.JournalSequence);
        Assert.Equal("""{"done":["b"],"started":["a"]}""", Encoding.UTF8.GetString(state));
        Assert.Equal(2, manager.List()[^1].JournalSequence);
    }

    [Fact]
    public void ReadManifest_NegativeJournalSequence_IsCorrupt()
    {
        var file = CheckpointBytes.WithManifest(
            CheckpointBytes.Write(CheckpointCompression.None, FormatConstants.DefaultChunkSize, (FormatConstants.StateSectionName, [1, 2, 3])),
            m => m.JournalSequence = -1);
        var ex = Assert.Throws<CheckpointCorruptException>(() => CheckpointBytes.Read(file));
        Assert.Contains("journal sequence", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadManifest_JournalSequenceInA10File_IsReadBecauseUnknownFieldsAreAllowed()
    {
        var file = CheckpointBytes.WithManifest(
            CheckpointBytes.Write(CheckpointCompression.None, FormatConstants.DefaultChunkSize, (FormatConstants.StateSectionName, [1, 2, 3])),
            m => m.JournalSequence = 42);
        Assert.Equal(42, CheckpointBytes.Read(file).Manifest.JournalSequence);
    }
}
