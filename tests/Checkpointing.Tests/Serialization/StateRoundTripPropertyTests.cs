using Checkpointing.Tests.Manager;
using CsCheck;

namespace Checkpointing.Tests.Serialization;

/// <summary>Any state saved through the manager loads back exactly, for every compression.</summary>
public sealed class StateRoundTripPropertyTests : IDisposable
{
    private const int Iterations = 40;

    private readonly TempRoot _root = new();

    public void Dispose() => _root.Dispose();

    [Theory]
    [InlineData(CheckpointCompression.None)]
    [InlineData(CheckpointCompression.Gzip)]
    [InlineData(CheckpointCompression.Zstd)]
    public void SaveThenLoad_AnyState_ReturnsItExactly(CheckpointCompression compression)
    {
        using var manager = new CheckpointManager("property", compression.ToString(), _root.Options(o => o.Compression = compression));
        var step = 0L;
        StateGen.State.Sample(
            state =>
            {
                var saved = manager.Save(state, ++step);
                var latest = manager.LoadLatest<PropertyState>();

                Assert.NotNull(latest);
                Assert.Equal(saved.Id, latest.Metadata.Id);
                Assert.Equal(compression, latest.Metadata.Compression);
                StateGen.AssertSame(state, latest.State);
                StateGen.AssertSame(state, manager.Load<PropertyState>(saved.Id).State);
            },
            iter: Iterations,
            threads: 1);

        Assert.Equal(Iterations, step);
    }

    [Theory]
    [InlineData(CheckpointCompression.None)]
    [InlineData(CheckpointCompression.Gzip)]
    [InlineData(CheckpointCompression.Zstd)]
    public void SaveThenLoad_TopLevelScalarsAndCollections_ReturnThemExactly(CheckpointCompression compression)
    {
        using var manager = new CheckpointManager("property", "scalars-" + compression, _root.Options(o => o.Compression = compression));
        var step = 0L;
        Gen.Select(StateGen.Double, StateGen.Long, StateGen.Text, Gen.Dictionary(StateGen.Text, StateGen.Double)[0, 6]).Sample(
            (number, big, text, map) =>
            {
                StateGen.AssertSame(number, manager.Load<double>(manager.Save(number, ++step).Id).State, "double");
                Assert.Equal(big, manager.Load<long>(manager.Save(big, ++step).Id).State);
                Assert.Equal(text, manager.Load<string>(manager.Save(text, ++step).Id).State);
                StateGen.AssertSame(map, manager.Load<Dictionary<string, double>>(manager.Save(map, ++step).Id).State, "map");
            },
            iter: Iterations / 2,
            threads: 1);

        Assert.Equal(Iterations / 2 * 4, step);
    }
}
