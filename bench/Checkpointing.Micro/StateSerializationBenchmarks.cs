using System.Buffers;
using BenchmarkDotNet.Attributes;
using Checkpointing.Serialization;

namespace Checkpointing.Micro;

/// <summary>
/// <see cref="JsonCheckpointSerializer.Default"/> on the portfolio state of SmallWorkload
/// (20 positions, cash, the last 20 trades): the per-save and per-load serialisation cost.
/// </summary>
[MemoryDiagnoser]
public class StateSerializationBenchmarks
{
    private readonly ArrayBufferWriter<byte> _output = new(4096);
    private Portfolio _state = Portfolio.AfterTrades();
    private ReadOnlyMemory<byte> _json;

    [GlobalSetup]
    public void Setup()
    {
        _state = Portfolio.AfterTrades();
        _json = SerializedState.Portfolio();
        Console.WriteLine($"// portfolio JSON: {_json.Length} bytes");
    }

    [Benchmark]
    public int Serialize_Portfolio()
    {
        _output.ResetWrittenCount();
        JsonCheckpointSerializer.Default.Serialize(_output, _state);
        return _output.WrittenCount;
    }

    [Benchmark]
    public int Deserialize_Portfolio() => JsonCheckpointSerializer.Default.Deserialize<Portfolio>(_json).Trades.Count;
}
