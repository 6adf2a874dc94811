namespace Checkpointing.Tests.Manager;

public sealed class CheckpointManagerTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "ckpt-tests-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    [Fact]
    public void Save_ThenResume_ReturnsSavedStateAndStep()
    {
        using (var manager = new CheckpointManager("training", "exp", new CheckpointOptions { RootDirectory = _root }))
        {
            manager.Save(new State(3, [0.5, 0.25]), step: 3, totalSteps: 10);
        }

        using var reopened = new CheckpointManager("training", "exp", new CheckpointOptions { RootDirectory = _root });
        var (resumed, startStep, state) = reopened.Resume<State>();

        Assert.True(resumed);
        Assert.Equal(3, startStep);
        Assert.Equal(3, state!.Epoch);
        Assert.Equal([0.5, 0.25], state.Losses);
    }

    private sealed record State(int Epoch, List<double> Losses);
}
