using BenchmarkDotNet.Attributes;
using Checkpointing.Format;
using Checkpointing.Testing;

namespace Checkpointing.Micro;

/// <summary>
/// Whole-file decode from memory with <see cref="CheckpointFileReader"/>: the manifest (header,
/// trailer, manifest checks) then one section with every chunk verified; and a full VerifyAll.
/// </summary>
[MemoryDiagnoser]
public class FileDecodeBenchmarks
{
    private const string Path = "bench.ckpt";
    private MemoryReadableFile _small = new([]);
    private MemoryReadableFile _zstd = new([]);
    private MemoryReadableFile _none = new([]);
    private Manifest _zstdManifest = new();
    private Manifest _noneManifest = new();
    private byte[] _destination = new byte[BenchData.SixteenMiB];

    [GlobalSetup]
    public void Setup()
    {
        var state = SerializedState.Portfolio();
        var weights = BenchData.GaussianFloat64Values(BenchData.SixteenMiB);
        var small = CheckpointFiles.Bytes(CheckpointCompression.Zstd, state);
        var zstd = CheckpointFiles.Bytes(CheckpointCompression.Zstd, state, weights);
        var none = CheckpointFiles.Bytes(CheckpointCompression.None, state, weights);
        _small = new MemoryReadableFile(small);
        _zstd = new MemoryReadableFile(zstd);
        _none = new MemoryReadableFile(none);
        _zstdManifest = CheckpointFileReader.ReadManifest(_zstd, Path);
        _noneManifest = CheckpointFileReader.ReadManifest(_none, Path);
        Console.WriteLine($"// files: small {small.Length} bytes, 16 MiB zstd {zstd.Length} bytes, 16 MiB none {none.Length} bytes");
    }

    /// <summary>ReadManifest + ReadSection("state") of the ~1 KB portfolio file: what a load costs.</summary>
    [Benchmark]
    public int SmallState_1KB()
    {
        var manifest = CheckpointFileReader.ReadManifest(_small, Path);
        return CheckpointFileReader.ReadSection(_small, manifest, FormatConstants.StateSectionName, Path).Length;
    }

    [Benchmark]
    public int Float64_16MiB_Zstd()
    {
        var manifest = CheckpointFileReader.ReadManifest(_zstd, Path);
        return CheckpointFileReader.ReadSection(_zstd, manifest, CheckpointFiles.WeightsSection, Path).Length;
    }

    [Benchmark]
    public int Float64_16MiB_None()
    {
        var manifest = CheckpointFileReader.ReadManifest(_none, Path);
        return CheckpointFileReader.ReadSection(_none, manifest, CheckpointFiles.WeightsSection, Path).Length;
    }

    /// <summary>What BinarySection.ReadInto does: chunks read, verified and decoded on all cores into a caller buffer, then the content checksum.</summary>
    [Benchmark]
    public unsafe void ReadInto_16MiB_Zstd() => ReadInto(_zstd, _zstdManifest);

    [Benchmark]
    public unsafe void ReadInto_16MiB_None() => ReadInto(_none, _noneManifest);

    /// <summary>What a load checks before it trusts a checkpoint with binary sections: every stored chunk's checksum, on all cores.</summary>
    [Benchmark]
    public void VerifyStored_16MiB_Zstd() => SectionChunkReader.VerifyStored(_zstd, _zstdManifest.Sections[1], 1, Path);

    /// <summary>Every chunk and the whole-payload checksum, decompressing as it goes (manifest already read).</summary>
    [Benchmark]
    public void VerifyAll_16MiB_Zstd() => CheckpointFileReader.VerifyAll(_zstd, _zstdManifest, Path);

    [Benchmark]
    public void VerifyAll_16MiB_None() => CheckpointFileReader.VerifyAll(_none, _noneManifest, Path);

    private unsafe void ReadInto(MemoryReadableFile file, Manifest manifest)
    {
        fixed (byte* p = _destination)
        {
            SectionChunkReader.ReadInto(file, manifest.Sections[1], 1, Path, p, _destination.Length);
        }
    }
}
