using Checkpointing.Storage;
using Checkpointing.Tests.Manager;
using Microsoft.Extensions.Time.Testing;

namespace Checkpointing.Tests.Corruption;

/// <summary>
/// A run with a valid older checkpoint (step 1) and a newer one (step 2) whose bytes a test damages.
/// The template files are written once by a real manager; each case reinstalls them into the run directory.
/// </summary>
internal sealed class TwoCheckpointRun : IDisposable
{
    public const string ProcessType = "corruption";
    public const string RunName = "run";

    public static readonly CorruptionState OlderState = new("older ✓ ünïcødé", 1, 0.1, new string('a', 300) + "older");
    public static readonly CorruptionState NewerState = new("newer", 2, 0.2, new string('b', 300) + "newer");

    private readonly TempRoot _root = new();
    private readonly CheckpointCompression _compression;

    public TwoCheckpointRun(CheckpointCompression compression = CheckpointCompression.Zstd)
    {
        _compression = compression;
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 3, 4, 5, 6, 7, TimeSpan.Zero));
        var template = Path.Combine(_root.Path, "template");
        var options = new CheckpointOptions { RootDirectory = template, TimeProvider = time, Compression = compression };
        using (var manager = new CheckpointManager(ProcessType, RunName, options))
        {
            Older = manager.Save(OlderState, step: 1, totalSteps: 10);
            time.Advance(TimeSpan.FromMinutes(1));
            Newer = manager.Save(NewerState, step: 2, totalSteps: 10);
        }

        using (var other = new CheckpointManager(ProcessType, "other-run", options))
        {
            ForeignBytes = File.ReadAllBytes(other.Save(NewerState, step: 2, totalSteps: 10).FilePath);
        }

        OlderBytes = File.ReadAllBytes(Older.FilePath);
        NewerBytes = File.ReadAllBytes(Newer.FilePath);
        RunDirectory = Path.Combine(_root.Path, "work", ProcessType, RunName);
    }

    public CheckpointMetadata Older { get; }

    public CheckpointMetadata Newer { get; }

    public byte[] OlderBytes { get; }

    public byte[] NewerBytes { get; }

    /// <summary>A valid checkpoint of another run (same process type, name <c>other-run</c>), saved at step 2.</summary>
    public byte[] ForeignBytes { get; }

    public string OlderFileName => Older.Id + LocalDirectoryStore.CheckpointExtension;

    public string NewerFileName => Newer.Id + LocalDirectoryStore.CheckpointExtension;

    public string RunDirectory { get; }

    public string QuarantineDirectory => Path.Combine(RunDirectory, LocalDirectoryStore.QuarantineDirectoryName);

    public CheckpointManager Open(bool readOnly = false) =>
        new(ProcessType, RunName, new CheckpointOptions { RootDirectory = Path.Combine(_root.Path, "work"), ReadOnly = readOnly, Compression = _compression });

    /// <summary>Empties the run directory (quarantine included) and writes the given files into it.</summary>
    public void Install(params (string FileName, byte[] Bytes)[] files)
    {
        if (Directory.Exists(QuarantineDirectory))
        {
            Directory.Delete(QuarantineDirectory, recursive: true);
        }

        Directory.CreateDirectory(RunDirectory);
        foreach (var existing in Directory.EnumerateFiles(RunDirectory, "*.ckpt"))
        {
            File.Delete(existing);
        }

        foreach (var (fileName, bytes) in files)
        {
            File.WriteAllBytes(Path.Combine(RunDirectory, fileName), bytes);
        }
    }

    /// <summary>
    /// Installs the valid older checkpoint and <paramref name="damaged"/> under <paramref name="damagedName"/>
    /// (the newer checkpoint's name by default), and checks that loading skips the damaged one, quarantines it
    /// byte for byte, reports it, and returns the older state exactly. <paramref name="viaRecoveryInfo"/> chooses
    /// whether the skip is observed through GetRecoveryInfo or through LoadLatest.
    /// </summary>
    /// <returns>The reason given for skipping the damaged file.</returns>
    public string AssertFallsBack(byte[] damaged, string description, bool viaRecoveryInfo, string? damagedName = null)
    {
        damagedName ??= NewerFileName;
        Install((OlderFileName, OlderBytes), (damagedName, damaged));
        try
        {
            using var manager = Open();
            SkippedCheckpoint skipped;
            if (viaRecoveryInfo)
            {
                var info = manager.GetRecoveryInfo();
                Assert.NotNull(info);
                Assert.Equal(Older.Id, info.CheckpointId);
                Assert.Equal(1, info.Step);
                skipped = Assert.Single(info.Skipped);
                var loaded = manager.LoadLatest<CorruptionState>();
                Assert.NotNull(loaded);
                Assert.Equal(OlderState, loaded.State);
                Assert.Empty(loaded.Skipped);
            }
            else
            {
                var loaded = manager.LoadLatest<CorruptionState>();
                Assert.NotNull(loaded);
                Assert.Equal(OlderState, loaded.State);
                Assert.Equal(Older.Id, loaded.Metadata.Id);
                skipped = Assert.Single(loaded.Skipped);
            }

            Assert.Equal(damagedName, skipped.FileName);
            Assert.False(string.IsNullOrWhiteSpace(skipped.Reason));
            Assert.Equal(Path.Combine(QuarantineDirectory, damagedName), skipped.QuarantinedTo);
            Assert.Equal(damaged, File.ReadAllBytes(skipped.QuarantinedTo!));
            Assert.True(File.Exists(skipped.QuarantinedTo + ".reason.txt"), "the quarantine note must say why");
            Assert.False(File.Exists(Path.Combine(RunDirectory, damagedName)), "the damaged file must leave the run directory");
            Assert.True(File.Exists(Path.Combine(RunDirectory, OlderFileName)), "the valid checkpoint must stay");
            return skipped.Reason;
        }
        catch (Exception ex)
        {
            throw new CorruptionCaseFailedException(description, ex);
        }
    }

    public void Dispose() => _root.Dispose();
}
