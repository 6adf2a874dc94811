namespace Checkpointing.Tests.Sections;

/// <summary>A state implementing <see cref="IBinarySectionsState"/> saves its arrays as sections and gets them back on load.</summary>
public sealed class BinarySectionsStateTests : IDisposable
{
    private readonly SectionRun _run = new();
    private readonly double[] _q = SectionData.Doubles((SectionData.SeveralChunks / 8) + 1, 101);
    private readonly float[] _policy = SectionData.Floats(1000, 102);

    public void Dispose()
    {
        AgentState.LoadFailure = null;
        _run.Dispose();
    }

    [Fact]
    public void SaveThenLoad_StateWithOwnSections_StoresArraysAsSectionsAndFillsThemBack()
    {
        using var manager = _run.Open();

        var saved = manager.Save(new AgentState { Episode = 9, QTable = _q, Policy = _policy }, step: 9);
        var loaded = manager.LoadLatest<AgentState>()!;
        var byStep = manager.Load<AgentState>(9L);

        Assert.Equal(["q_table", "policy"], saved.Sections.Select(s => s.Name));
        Assert.Equal("float64", saved.Sections["q_table"].ElementType);
        Assert.True(saved.StateBytes < 200, $"the arrays must not be serialised into the state too ({saved.StateBytes} bytes)");
        Assert.Equal(9, loaded.State.Episode);
        Assert.Equal(_q, loaded.State.QTable);
        Assert.Equal(_policy, loaded.State.Policy);
        Assert.Equal(_q, byStep.State.QTable);
        var (resumed, step, state) = manager.Resume(() => new AgentState());
        Assert.True(resumed);
        Assert.Equal(9, step);
        Assert.Equal(_policy, state.Policy);
    }

    [Fact]
    public async Task SaveInBackgroundAsync_StateWithOwnSections_CapturesThemWhenCalled()
    {
        using var manager = _run.Open();
        var q = (double[])_q.Clone();

        var save = await manager.SaveInBackgroundAsync(new AgentState { Episode = 3, QTable = q, Policy = _policy }, step: 3);
        Array.Fill(q, -1.0);
        await save.Completion.WaitAsync(TimeSpan.FromMinutes(2));

        Assert.Equal(_q, manager.LoadLatest<AgentState>()!.State.QTable);
    }

    [Fact]
    public void Save_StateWithOwnSectionsAndSectionsArgument_ThrowsAndSavesNothing()
    {
        using var manager = _run.Open();

        var ex = Assert.Throws<ArgumentException>(() => manager.Save(new AgentState { QTable = _q }, step: 1, sections: new BinarySections { { "x", new[] { 1 } } }));

        Assert.Contains("IBinarySectionsState", ex.Message, StringComparison.Ordinal);
        Assert.Empty(manager.List());
    }

    [Fact]
    public void Save_GetSectionsReturnsNull_ThrowsAndSavesNothing()
    {
        using var manager = _run.Open();

        Assert.Throws<InvalidOperationException>(() => manager.Save(new AgentState { SectionsOverride = () => null }, step: 1));

        Assert.Empty(manager.List());
    }

    [Fact]
    public void LoadLatest_LoadSectionsFails_ThrowsSerializationExceptionAndKeepsTheCheckpoint()
    {
        using var manager = _run.Open();
        var saved = manager.Save(new AgentState { QTable = _q, Policy = _policy }, step: 1);
        AgentState.LoadFailure = new InvalidOperationException("shape changed");

        var ex = Assert.Throws<CheckpointSerializationException>(() => manager.LoadLatest<AgentState>());

        Assert.Contains("shape changed", ex.Message, StringComparison.Ordinal);
        Assert.True(File.Exists(saved.FilePath));
        AgentState.LoadFailure = null;
        Assert.Equal(_q, manager.LoadLatest<AgentState>()!.State.QTable);
    }
}
