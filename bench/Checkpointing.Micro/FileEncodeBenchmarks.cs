using BenchmarkDotNet.Attributes;

namespace Checkpointing.Micro;

/// <summary>
/// Whole-file encode into memory with <see cref="Format.CheckpointFileWriter"/>: header, sections, manifest, trailer.
/// The sink keeps its buffer between operations, so only the writer's own work is measured.
/// </summary>
[MemoryDiagnoser]
public class FileEncodeBenchmarks
{
    private readonly MemoryPendingFile _small = new(16 * 1024);
    private readonly MemoryPendingFile _large = new(BenchData.SixteenMiB + 1024 * 1024);
    private byte[] _state = [];
    private double[] _weights = [];

    [GlobalSetup]
    public void Setup()
    {
        _state = SerializedState.Portfolio();
        _weights = BenchData.GaussianFloat64Values(BenchData.SixteenMiB);
        Console.WriteLine($"// state section: {_state.Length} bytes");
    }

    /// <summary>The ~1 KB portfolio JSON, stored raw (under SmallChunkLength), plus manifest and trailer.</summary>
    [Benchmark]
    public long SmallState_1KB()
    {
        _small.Reset();
        return CheckpointFiles.Write(_small, CheckpointCompression.Zstd, _state);
    }

    [Benchmark]
    public long Float64_16MiB_Zstd()
    {
        _large.Reset();
        return CheckpointFiles.Write(_large, CheckpointCompression.Zstd, _state, _weights);
    }

    [Benchmark]
    public long Float64_16MiB_None()
    {
        _large.Reset();
        return CheckpointFiles.Write(_large, CheckpointCompression.None, _state, _weights);
    }
}
