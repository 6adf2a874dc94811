using System.IO.Hashing;
using BenchmarkDotNet.Attributes;

namespace Checkpointing.Micro;

/// <summary>XXH3-64 over 1 MiB, the checksum of every chunk and section: a floor for the reader's and writer's per-byte cost.</summary>
[MemoryDiagnoser]
public class XxHash3Benchmarks
{
    private byte[] _data = [];

    [GlobalSetup]
    public void Setup() => _data = BenchData.GaussianFloat64(BenchData.OneMiB);

    [Benchmark]
    public ulong XxHash3_1MiB() => XxHash3.HashToUInt64(_data);
}
