using System.Text.RegularExpressions;
using Checkpointing.Format;
using Checkpointing.Storage;
using Checkpointing.Testing;
using Checkpointing.Tests.Format;
using Checkpointing.Tests.Manager;
using Xunit.Abstractions;

namespace Checkpointing.Tests.Corruption;

/// <summary>
/// Thousands of damaged files straight through the verified reader: every one must fail with a
/// <see cref="CheckpointCorruptException"/> that names the file and says why, and nothing else
/// (no NullReference, IndexOutOfRange, OutOfMemory, Argument or Json exception).
/// </summary>
public sealed class ReaderMutationTests(ITestOutputHelper output) : IDisposable
{
    private const int RandomMutationsPerBase = 2500;

    /// <summary>One random case in this many goes through a real file; the rest through memory (same reader code).</summary>
    private const int OnDiskEvery = 8;

    private readonly TempRoot _root = new();
    private readonly IReadOnlyList<(string Name, byte[] Bytes)> _bases = CorruptionBases.Create();

    public void Dispose() => _root.Dispose();

    [Fact]
    public void ReadAll_UndamagedBases_ReturnWhatWasWritten()
    {
        foreach (var (name, bytes) in _bases)
        {
            using var file = new MemoryReadableFile(bytes);
            var manifest = CheckpointFileReader.ReadManifest(file, name);
            CheckpointFileReader.VerifyAll(file, manifest, name);
            Assert.True(manifest.Sections[0].ChunkCount > 1 || name == "zstd-single-chunk", name);
        }
    }

    [Fact]
    public void ReadAll_EveryBitFlipped_ThrowsCorrupt()
    {
        var cases = 0;
        foreach (var (name, bytes) in _bases)
        {
            for (var bit = 0L; bit < bytes.Length * 8L; bit++, cases++)
            {
                AssertDetected(Mutations.FlipBit(bytes, bit), $"{name}: flip bit {bit}", onDisk: false);
            }
        }

        output.WriteLine($"{cases} single-bit flips detected by the reader");
    }

    [Fact]
    public void ReadAll_TruncatedAtEveryOffset_ThrowsCorrupt()
    {
        var cases = 0;
        foreach (var (name, bytes) in _bases)
        {
            for (var length = 0; length < bytes.Length; length++, cases++)
            {
                AssertDetected(Mutations.Truncate(bytes, length), $"{name}: truncate to {length} bytes", onDisk: false);
            }
        }

        output.WriteLine($"{cases} truncations detected by the reader");
    }

    [Fact]
    public void ReadAll_RandomDamage_ThrowsCorrupt()
    {
        var seed = TestSeed.Next();
        output.WriteLine(TestSeed.Describe(seed));
        var rng = new Random(seed);
        var reasons = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var b = 0; b < _bases.Count; b++)
        {
            var (name, bytes) = _bases[b];
            var other = _bases[(b + 1) % _bases.Count].Bytes;
            for (var i = 0; i < RandomMutationsPerBase; i++)
            {
                var (damaged, description) = Mutations.Random(rng, bytes, other);
                var reason = AssertDetected(damaged, $"{name} #{i}: {description}, {TestSeed.Describe(seed)}", onDisk: i % OnDiskEvery == 0);
                var kind = Regex.Replace(reason, @"-?\d+", "N");
                kind = kind[..Math.Min(kind.Length, 70)];
                reasons[kind] = reasons.GetValueOrDefault(kind) + 1;
            }
        }

        output.WriteLine($"{_bases.Count * RandomMutationsPerBase} random mutations detected by the reader ({_bases.Count * RandomMutationsPerBase / OnDiskEvery} through real files); reasons:");
        foreach (var (kind, count) in reasons.OrderByDescending(r => r.Value))
        {
            output.WriteLine($"  {count,6}  {kind}");
        }
    }

    private string AssertDetected(byte[] damaged, string description, bool onDisk)
    {
        var path = onDisk ? Path.Combine(_root.Path, "damaged.ckpt") : "memory.ckpt";
        try
        {
            if (onDisk)
            {
                File.WriteAllBytes(path, damaged);
            }

            using var file = onDisk ? PosixFileSystem.Instance.OpenRead(path) : new MemoryReadableFile(damaged);
            var manifest = CheckpointFileReader.ReadManifest(file, path);
            foreach (var section in manifest.Sections)
            {
                CheckpointFileReader.ReadSection(file, manifest, section.Name, path);
            }

            CheckpointFileReader.VerifyAll(file, manifest, path);
        }
        catch (CheckpointCorruptException ex)
        {
            Assert.Equal(path, ex.FilePath);
            Assert.False(string.IsNullOrWhiteSpace(ex.Reason), description);
            Assert.StartsWith($"Checkpoint '{path}' is damaged: ", ex.Message, StringComparison.Ordinal);
            return ex.Reason!;
        }
        catch (Exception ex)
        {
            throw new CorruptionCaseFailedException(description, ex);
        }

        throw new CorruptionCaseFailedException(description, new InvalidOperationException("the damage was not detected"));
    }
}
