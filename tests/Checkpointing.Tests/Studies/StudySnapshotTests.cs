using System.Text.Json;
using Checkpointing.Serialization;
using Checkpointing.Studies;
using Checkpointing.Tests.Manager;

namespace Checkpointing.Tests.Studies;

/// <summary>A snapshot saved in a checkpoint reads back equal, through reflection and source-generated JSON.</summary>
public sealed class StudySnapshotTests : IDisposable
{
    private readonly TempRoot _root = new();

    public void Dispose() => _root.Dispose();

    [Theory]
    [InlineData("reflection")]
    [InlineData("source-generated")]
    public void SaveLoad_SnapshotInCheckpoint_ReadsBackEqual(string serializer)
    {
        var options = _root.Options(o => o.Serializer = serializer == "reflection"
            ? JsonCheckpointSerializer.Default
            : new JsonCheckpointSerializer(StudySnapshotJsonContext.Default));
        using var manager = new CheckpointManager("hpo", "snap", options);
        using var study = Study.CreateOrResume(manager, StudyTestKit.Space(), new StudyOptions { Seed = 2 });
        study.Optimize(
            t =>
            {
                t.Report(1, 0.25);
                return t.Number == 2 ? throw new InvalidOperationException("x") : t.Number == 3 ? double.PositiveInfinity : StudyTestKit.Objective(t);
            },
            nTrials: 6);
        var snapshot = study.CreateSnapshot();

        manager.Save(snapshot, study.CompletedTrials);
        var loaded = manager.LoadLatest<StudySnapshot>()!.State;

        StudyTestKit.AssertSameTrials(snapshot.Trials, loaded.Trials, serializer);
        Assert.Equal(snapshot.Trials.Select(t => (t.Duration, t.FinishedAt, t.Error)), loaded.Trials.Select(t => (t.Duration, t.FinishedAt, t.Error)));
        Assert.Equal(0.25, loaded.Trials[0].IntermediateValues[1]);
        Assert.Equal(ParameterKind.Int, loaded.Trials[0].Params["layers"].Kind);
        Assert.Equal(ParameterKind.Float, loaded.Trials[0].Params["x"].Kind);
        Assert.Equal(snapshot with { Trials = loaded.Trials }, loaded);
    }

    [Fact]
    public void Serialize_Snapshot_IsReadableJson()
    {
        var snapshot = new StudySnapshot
        {
            Direction = StudyDirection.Maximize,
            Seed = 3,
            Trials =
            [
                new FinishedTrial
                {
                    Number = 0,
                    Params = new Dictionary<string, ParameterValue> { ["lr"] = ParameterValue.FromFloat(2), ["act"] = ParameterValue.FromCategorical("relu") },
                    Value = 0.5,
                    State = TrialState.Complete,
                },
            ],
            RandomState = new Checkpointing.Randomness.CheckpointableRandom(1).State,
        };

        var json = JsonSerializer.Serialize(snapshot);

        Assert.Contains("\"Params\":{\"lr\":2.0,\"act\":\"relu\"}", json, StringComparison.Ordinal);
    }
}
