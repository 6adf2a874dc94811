using Checkpointing.Fuzz;
using Checkpointing.Testing;

namespace Checkpointing.Tests.Fuzzing;

/// <summary>
/// Replays the fuzz seeds (fuzz/corpus) and every input the fuzzer ever found failing (Fuzzing/Regressions, kept by
/// fuzz/run.sh) through the same targets the fuzzer runs: each must be accepted or rejected with a documented
/// exception, within the allocation bound.
/// </summary>
public sealed class FuzzRegressionTests
{
    private static readonly string Root = Path.Combine(AppContext.BaseDirectory, "Fuzzing");

    public static TheoryData<string, string> Inputs()
    {
        var data = new TheoryData<string, string>();
        foreach (var target in FuzzTargets.Names)
        {
            foreach (var directory in new[] { Path.Combine(Root, "Corpus", target), Path.Combine(Root, "Regressions", target) })
            {
                if (Directory.Exists(directory))
                {
                    foreach (var file in Directory.GetFiles(directory).Order(StringComparer.Ordinal))
                    {
                        data.Add(target, Path.GetRelativePath(Root, file));
                    }
                }
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Inputs))]
    public void Replay_SeedOrFormerFailure_OnlyDocumentedExceptions(string target, string file)
    {
        var input = File.ReadAllBytes(Path.Combine(Root, file));
        var watch = System.Diagnostics.Stopwatch.StartNew();
        FuzzTargets.Run(target, input);

        // The fuzzer's limit is 1 s per input; a test run on a busy machine gets more room.
        Assert.InRange(watch.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(5));
    }

    [Fact]
    public void Scan_PlausibleHeaderEvery16BytesOf8MiB_StaysLinear()
    {
        // Found as quadratic-tail-scan.log (64 KiB, 68 MB allocated): each fake header made the search for a valid
        // record after the damage read and hash half the file. At 8 MiB that was about 10^12 bytes of hashing.
        var segment = new byte[8 << 20];
        Checkpointing.RecordLog.AppendOnlyLog.FileMagic.CopyTo(segment);
        segment[8] = 1;
        for (var p = 16; p + 16 <= segment.Length / 2; p += 16)
        {
            System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(segment.AsSpan(p), (uint)(segment.Length / 2));
            System.Buffers.Binary.BinaryPrimitives.WriteUInt64LittleEndian(segment.AsSpan(p + 8), 1);
        }

        var watch = System.Diagnostics.Stopwatch.StartNew();
        FuzzTargets.Run(FuzzTargets.Journal, segment);
        Assert.InRange(watch.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(5));
    }

    [Theory]
    [InlineData(FuzzTargets.Checkpoint)]
    [InlineData(FuzzTargets.Journal)]
    public void Corpus_EachTarget_HasSeedsToReplay(string target)
    {
        Assert.True(Inputs().Count(row => (string)row[0] == target && ((string)row[1]).StartsWith("Corpus", StringComparison.Ordinal)) >= 4);
    }

    [Fact]
    public void Run_UndocumentedFailure_Escapes()
    {
        // Reading at a negative offset is a reader bug that a real pread would report as a storage error.
        Assert.Throws<ArgumentOutOfRangeException>(() => new MemoryReadableFile([1, 2, 3]).ReadAt(-1, new byte[1]));
        Assert.Throws<ArgumentException>(() => FuzzTargets.Run("nonsense", []));
    }

    [Fact]
    public void Run_RepairedCheckpoint_ReadsAsValid()
    {
        // The checksum repair must leave a valid file valid (else the fuzzer would never get past the checksums).
        var seed = File.ReadAllBytes(Path.Combine(Root, "Corpus", FuzzTargets.Checkpoint, "zstd.ckpt"));
        seed[24] ^= 1; // the header checksum
        seed[^10] ^= 1; // the trailer checksum
        var repaired = ChecksumRepair.Repair(seed);
        Assert.NotNull(repaired);
        var file = new MemoryReadableFile(repaired);
        var manifest = Checkpointing.Format.CheckpointFileReader.ReadManifest(file, "x");
        Checkpointing.Format.CheckpointFileReader.VerifyAll(file, manifest, "x");
    }
}
