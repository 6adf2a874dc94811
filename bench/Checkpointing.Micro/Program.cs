using BenchmarkDotNet.Running;

namespace Checkpointing.Micro;

/// <summary>
/// Micro-benchmarks of the encode/decode paths. Run from the repository root:
/// <code>
/// dotnet run -c Release --project bench/Checkpointing.Micro -- --filter '*'
/// dotnet run -c Release --project bench/Checkpointing.Micro -- --filter '*' --job short   # quick mode
/// dotnet run -c Release --project bench/Checkpointing.Micro -- --filter '*ChunkCodec*'    # one class
/// </code>
/// See README.md beside this file.
/// </summary>
public static class Program
{
    public static void Main(string[] args) => BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
}
