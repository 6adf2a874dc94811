using Checkpointing.Format;
using Checkpointing.Tests.Format;
using Xunit.Abstractions;

namespace Checkpointing.Tests.Corruption;

/// <summary>
/// Damage to the newest checkpoint, through the full manager path: every case must be detected, the damaged
/// file moved to quarantine byte for byte and reported, and the older checkpoint's exact state returned.
/// </summary>
public sealed class ManagerFallbackTests(ITestOutputHelper output) : IDisposable
{
    private const int RandomMutations = 300;
    private const int RandomTruncations = 150;

    private readonly TwoCheckpointRun _run = new();

    public void Dispose() => _run.Dispose();

    [Fact]
    public void LoadLatest_EveryHeaderBitFlipped_QuarantinesAndFallsBack()
    {
        for (var bit = 0; bit < FormatConstants.HeaderSize * 8; bit++)
        {
            var reason = _run.AssertFallsBack(Mutations.FlipBit(_run.NewerBytes, bit), $"flip header bit {bit}", viaRecoveryInfo: bit % 2 == 0);

            // The version field (bytes 8-11) is covered by the header checksum, which is checked first:
            // a flipped version bit is damage, never a "newer format" error.
            var expected = bit / 8 < 8 ? "magic" : "header checksum";
            Assert.Contains(expected, reason, StringComparison.Ordinal);
        }

        output.WriteLine($"{FormatConstants.HeaderSize * 8} header bit flips detected through the manager");
    }

    [Fact]
    public void LoadLatest_EveryTrailerBitFlipped_QuarantinesAndFallsBack()
    {
        var trailerStart = _run.NewerBytes.Length - FormatConstants.TrailerSize;
        for (var i = 0; i < FormatConstants.TrailerSize * 8; i++)
        {
            var bit = (trailerStart * 8L) + i;
            var reason = _run.AssertFallsBack(Mutations.FlipBit(_run.NewerBytes, bit), $"flip trailer bit {i}", viaRecoveryInfo: i % 2 == 0);
            var expected = i / 8 < 40 ? "trailer checksum" : "trailer magic";
            Assert.Contains(expected, reason, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void LoadLatest_EveryThirdManifestByteDamaged_QuarantinesAndFallsBack()
    {
        // Every third byte, rotating through the bit positions; the reader tests flip every bit.
        var (offset, length) = CheckpointBytes.ManifestLocation(_run.NewerBytes);
        var count = 0;
        for (var i = 0; i < length; i += 3, count++)
        {
            var bit = ((offset + i) * 8) + (i % 8);
            var reason = _run.AssertFallsBack(Mutations.FlipBit(_run.NewerBytes, bit), $"flip bit {i % 8} of manifest byte {i}", viaRecoveryInfo: i % 2 == 0);
            Assert.Contains("manifest checksum", reason, StringComparison.Ordinal);
        }

        output.WriteLine($"{count} of {length} manifest bytes damaged, each detected through the manager");
    }

    [Fact]
    public void LoadLatest_TruncatedInsideHeaderOrAtRandomOffsets_QuarantinesAndFallsBack()
    {
        var seed = TestSeed.Next();
        output.WriteLine(TestSeed.Describe(seed));
        var rng = new Random(seed);
        var cuts = Enumerable.Range(0, FormatConstants.HeaderSize + 1)
            .Concat(Enumerable.Range(0, RandomTruncations).Select(_ => rng.Next(_run.NewerBytes.Length)))
            .Append(_run.NewerBytes.Length - 1);
        var count = 0;
        foreach (var cut in cuts)
        {
            var reason = _run.AssertFallsBack(Mutations.Truncate(_run.NewerBytes, cut), $"truncate to {cut} bytes, {TestSeed.Describe(seed)}", viaRecoveryInfo: count++ % 2 == 0);
            if (cut == 0)
            {
                Assert.Contains("empty", reason, StringComparison.Ordinal);
            }
            else if (cut < CheckpointFileReader.MinimumFileSize)
            {
                Assert.Contains("shorter than", reason, StringComparison.Ordinal);
            }
        }

        output.WriteLine($"{count} truncations detected through the manager");
    }

    [Fact]
    public void LoadLatest_RandomDamage_QuarantinesAndFallsBack()
    {
        var seed = TestSeed.Next();
        output.WriteLine(TestSeed.Describe(seed));
        var rng = new Random(seed);
        for (var i = 0; i < RandomMutations; i++)
        {
            var (bytes, description) = Mutations.Random(rng, _run.NewerBytes, _run.ForeignBytes);
            _run.AssertFallsBack(bytes, $"#{i} {description}, {TestSeed.Describe(seed)}", viaRecoveryInfo: i % 2 == 0);
        }

        output.WriteLine($"{RandomMutations} random mutations detected through the manager");
    }

    [Fact]
    public void LoadLatest_GarbageAppended_QuarantinesAndFallsBack()
    {
        var reason = _run.AssertFallsBack(Mutations.Append(_run.NewerBytes, "garbage after the end\n"u8), "append text", viaRecoveryInfo: false);
        Assert.Contains("trailer magic", reason, StringComparison.Ordinal);

        var trailer = _run.NewerBytes.AsSpan(_run.NewerBytes.Length - FormatConstants.TrailerSize);
        reason = _run.AssertFallsBack(Mutations.Append(_run.NewerBytes, trailer), "append a second copy of the trailer", viaRecoveryInfo: true);
        Assert.Contains("does not fit", reason, StringComparison.Ordinal);
    }

    [Fact]
    public void LoadLatest_EmptyNewestFile_QuarantinesAndFallsBack()
    {
        var reason = _run.AssertFallsBack([], "empty file", viaRecoveryInfo: false);
        Assert.Contains("empty", reason, StringComparison.Ordinal);
    }

    [Fact]
    public void LoadLatest_AnotherRunsCheckpointRenamedIn_QuarantinesAndFallsBack()
    {
        var reason = _run.AssertFallsBack(_run.ForeignBytes, "another run's checkpoint under the newer name", viaRecoveryInfo: false);
        Assert.Contains($"belongs to run '{TwoCheckpointRun.ProcessType}/other-run'", reason, StringComparison.Ordinal);
    }

    [Fact]
    public void LoadLatest_OwnOlderCheckpointCopiedToNewerName_QuarantinesAndFallsBack()
    {
        var reason = _run.AssertFallsBack(_run.OlderBytes, "the older checkpoint copied to the newer name", viaRecoveryInfo: true);
        Assert.Contains("does not match its file name", reason, StringComparison.Ordinal);

        const string laterName = "checkpoint_step_99_20300101_000000.ckpt";
        reason = _run.AssertFallsBack(_run.NewerBytes, "the newer checkpoint renamed to step 99", viaRecoveryInfo: false, damagedName: laterName);
        Assert.Contains("does not match its file name", reason, StringComparison.Ordinal);
    }

    [Fact]
    public void LoadLatest_NoValidCheckpoint_ThrowsOneErrorListingEveryFileAndLeavesThemInPlace()
    {
        var damaged = new (string FileName, byte[] Bytes)[]
        {
            (_run.NewerFileName, Mutations.FlipBit(_run.NewerBytes, 8 * 100)),
            (_run.OlderFileName, []),
            ("checkpoint_step_0_20260101_000000.ckpt", Mutations.Truncate(_run.OlderBytes, 500)),
        };
        _run.Install(damaged);
        using var manager = _run.Open();

        var ex = Assert.Throws<CheckpointCorruptException>(() => manager.LoadLatest<CorruptionState>());

        Assert.Equal(damaged.Length, ex.Skipped.Count);
        Assert.Equal([_run.NewerFileName, _run.OlderFileName, damaged[2].FileName], ex.Skipped.Select(s => s.FileName));
        foreach (var skipped in ex.Skipped)
        {
            Assert.Contains(skipped.FileName, ex.Message, StringComparison.Ordinal);
            Assert.Contains(skipped.Reason, ex.Message, StringComparison.Ordinal);
            Assert.Null(skipped.QuarantinedTo);
            Assert.Equal(damaged.Single(d => d.FileName == skipped.FileName).Bytes, File.ReadAllBytes(Path.Combine(_run.RunDirectory, skipped.FileName)));
        }

        // With nothing valid, nothing is moved, so the next start fails the same way instead of silently starting over.
        Assert.False(Directory.Exists(_run.QuarantineDirectory));
        using var reopened = ReopenAfter(manager);
        Assert.Throws<CheckpointCorruptException>(() => reopened.Resume<CorruptionState>());
    }

    private CheckpointManager ReopenAfter(CheckpointManager manager)
    {
        manager.Dispose();
        return _run.Open();
    }

    [Fact]
    public void LoadLatest_ReadOnlyWithDamagedNewest_SkipsButLeavesFileInPlace()
    {
        var damaged = Mutations.FlipBit(_run.NewerBytes, 8 * 40);
        _run.Install((_run.OlderFileName, _run.OlderBytes), (_run.NewerFileName, damaged));
        using var manager = _run.Open(readOnly: true);

        var loaded = manager.LoadLatest<CorruptionState>();

        Assert.NotNull(loaded);
        Assert.Equal(TwoCheckpointRun.OlderState, loaded.State);
        var skipped = Assert.Single(loaded.Skipped);
        Assert.Equal(_run.NewerFileName, skipped.FileName);
        Assert.Null(skipped.QuarantinedTo);
        Assert.Equal(damaged, File.ReadAllBytes(Path.Combine(_run.RunDirectory, _run.NewerFileName)));
        Assert.False(Directory.Exists(_run.QuarantineDirectory));
    }

    [Fact]
    public void LoadLatest_NewestFromFutureMajorVersion_ThrowsVersionErrorAndLeavesFile()
    {
        var future = CheckpointBytes.WithVersion(_run.NewerBytes, major: 2, minor: 0);
        _run.Install((_run.OlderFileName, _run.OlderBytes), (_run.NewerFileName, future));
        using var manager = _run.Open();

        var ex = Assert.Throws<CheckpointVersionException>(() => manager.LoadLatest<CorruptionState>());

        Assert.Equal(2, ex.FileMajorVersion);
        Assert.Equal(Path.Combine(_run.RunDirectory, _run.NewerFileName), ex.FilePath);
        Assert.Contains("upgrade", ex.Message, StringComparison.OrdinalIgnoreCase);
        Assert.False(ex.IsTransient);
        Assert.Equal(future, File.ReadAllBytes(Path.Combine(_run.RunDirectory, _run.NewerFileName)));
        Assert.False(Directory.Exists(_run.QuarantineDirectory));
        Assert.Throws<CheckpointVersionException>(() => manager.Load<CorruptionState>(_run.Newer.Id));
    }

    [Fact]
    public void LoadLatest_NewestFromNewerMinorVersion_LoadsIt()
    {
        var newerMinor = CheckpointBytes.WithVersion(_run.NewerBytes, major: 1, minor: 7);
        _run.Install((_run.OlderFileName, _run.OlderBytes), (_run.NewerFileName, newerMinor));
        using var manager = _run.Open();

        var loaded = manager.LoadLatest<CorruptionState>();

        Assert.NotNull(loaded);
        Assert.Equal(TwoCheckpointRun.NewerState, loaded.State);
        Assert.Empty(loaded.Skipped);
    }

    [Fact]
    public void LoadLatest_HostileSizesWithValidChecksums_QuarantinesAndFallsBack()
    {
        var hugeRaw = CheckpointBytes.WithManifest(_run.NewerBytes, m => m.Sections[0].RawLength = long.MaxValue / 2);
        Assert.Contains("does not fit", _run.AssertFallsBack(hugeRaw, "manifest declares a huge raw length", viaRecoveryInfo: false), StringComparison.Ordinal);

        var (offset, _) = CheckpointBytes.ManifestLocation(_run.NewerBytes);
        var outside = CheckpointBytes.WithTrailerLocation(_run.NewerBytes, offset + 1_000_000, 100);
        Assert.Contains("does not fit", _run.AssertFallsBack(outside, "trailer points outside the file", viaRecoveryInfo: true), StringComparison.Ordinal);

        var overflow = CheckpointBytes.WithOverflowingSections(_run.NewerBytes);
        Assert.Contains("does not fit", _run.AssertFallsBack(overflow, "section offsets overflow to a negative state offset", viaRecoveryInfo: false), StringComparison.Ordinal);
    }
}
