using System.Buffers;
using BenchmarkDotNet.Attributes;
using Checkpointing.Format;
using ZstdSharp;

namespace Checkpointing.Micro;

/// <summary>One 1 MiB chunk (the writer's chunk size) through <see cref="ChunkCodec"/>: zstd level 1 and gzip (Fastest).</summary>
[MemoryDiagnoser]
public class ChunkCodecBenchmarks
{
    private byte[] _raw = [];
    private byte[] _destination = [];
    private byte[] _zstd = [];
    private byte[] _gzip = [];
    private byte _zstdCodec;
    private byte _gzipCodec;
    private readonly ArrayBufferWriter<byte> _output = new(Compressor.GetCompressBound(BenchData.OneMiB) + 4096);

    [Params(DataKind.GaussianF64, DataKind.JsonText)]
    public DataKind Data { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _raw = Data == DataKind.GaussianF64 ? BenchData.GaussianFloat64(BenchData.OneMiB) : BenchData.JsonText(BenchData.OneMiB);
        _destination = new byte[_raw.Length];
        _zstdCodec = ChunkCodec.Compress(ChunkCodec.Zstd, _raw, _output);
        _zstd = _output.WrittenSpan.ToArray();
        _gzipCodec = ChunkCodec.Compress(ChunkCodec.Gzip, _raw, _output);
        _gzip = _output.WrittenSpan.ToArray();
        Console.WriteLine($"// {Data}: zstd -> {ChunkCodec.Name(_zstdCodec)} {_zstd.Length} bytes ({(double)_zstd.Length / _raw.Length:P1}), gzip -> {ChunkCodec.Name(_gzipCodec)} {_gzip.Length} bytes ({(double)_gzip.Length / _raw.Length:P1})");
    }

    [Benchmark]
    public int Zstd_Compress_1MiB()
    {
        ChunkCodec.Compress(ChunkCodec.Zstd, _raw, _output);
        return _output.WrittenCount;
    }

    [Benchmark]
    public void Zstd_Decompress_1MiB() => ChunkCodec.Decompress(_zstdCodec, _zstd, _destination);

    [Benchmark]
    public int Gzip_Compress_1MiB()
    {
        ChunkCodec.Compress(ChunkCodec.Gzip, _raw, _output);
        return _output.WrittenCount;
    }

    [Benchmark]
    public void Gzip_Decompress_1MiB() => ChunkCodec.Decompress(_gzipCodec, _gzip, _destination);
}
