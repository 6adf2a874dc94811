using Checkpointing.Storage;

namespace Checkpointing.Tests.Fencing;

public sealed class WriterRecordTests
{
    private static readonly DateTimeOffset Since = new(2026, 11, 29, 21, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Parse_RecordWithoutGeneration_IsGenerationZeroWithoutFences()
    {
        var record = WriterRecord.Parse("pid=12\nhost=box\nsince=2026-01-01T00:00:00Z\n");

        Assert.Equal(12, record.ProcessId);
        Assert.Equal("box", record.Host);
        Assert.Equal(0, record.Generation);
        Assert.Empty(record.Fences);
    }

    [Fact]
    public void Parse_EmptyOrGarbage_IsAnEmptyRecord()
    {
        foreach (var text in new[] { null, string.Empty, "\0\0\0", "generation=x\nfence=1\nfence=a:b\nfence=-1:2\n" })
        {
            var record = WriterRecord.Parse(text);

            Assert.Null(record.ProcessId);
            Assert.Equal(0, record.Generation);
            Assert.Empty(record.Fences);
        }
    }

    [Fact]
    public void Parse_ANewRecordOverALongerOldOne_TakesTheHigherGenerationAndEachFenceOnce()
    {
        // What a rewrite cut short between its write and its truncate leaves: the new record, then the old one's tail.
        var text = "pid=2\nhost=b\ngeneration=8\nfence=3:40\n" + "fence=3:40\ngeneration=7\nfence=2:10\n";

        var record = WriterRecord.Parse(text);

        Assert.Equal(8, record.Generation);
        Assert.Equal([new WriterFence(3, 40), new WriterFence(2, 10)], record.Fences);
    }

    [Fact]
    public void WithLastFenceAt_RaisesOnlyTheTakeoversFenceAndNeverLowersIt()
    {
        var record = WriterRecord.Parse("generation=5\nfence=2:10\nfence=4:100\n");

        Assert.Equal([new WriterFence(2, 10), new WriterFence(4, 130)], record.WithLastFenceAt(130).Fences);
        Assert.Equal([new WriterFence(2, 10), new WriterFence(4, 100)], record.WithLastFenceAt(90).Fences);
    }

    [Fact]
    public void Successor_WithoutTakeover_HasTheNextGenerationAndTheSameFences()
    {
        var first = WriterRecord.Parse("generation=6\nfence=2:40\n");

        var next = first.Successor(99, "h", fencedAtStep: null);

        Assert.Equal(7, next.Generation);
        Assert.Equal(99, next.ProcessId);
        Assert.Equal([new WriterFence(2, 40)], next.Fences);
    }

    [Fact]
    public void Successor_ByTakeover_FencesThePreviousGenerationAtTheStep()
    {
        var held = WriterRecord.Parse("pid=5\nhost=a\ngeneration=3\n");

        var taker = held.Successor(6, "b", fencedAtStep: 120);

        Assert.Equal(4, taker.Generation);
        Assert.Equal([new WriterFence(3, 120)], taker.Fences);
    }

    [Fact]
    public void Successor_CheckpointsOfAHigherGenerationThanTheRecord_StartsAboveThemAndFencesThem()
    {
        var lost = WriterRecord.Parse(null);

        var next = lost.Successor(7, "h", fencedAtStep: null, new PublishedCheckpoints(HighestGeneration: 5, HighestStep: 300));

        Assert.Equal(6, next.Generation);
        Assert.Equal([new WriterFence(5, 300)], next.Fences);
    }

    [Fact]
    public void Successor_CheckpointsNotAboveTheRecord_ChangeNothing()
    {
        var record = WriterRecord.Parse("generation=5\nfence=2:40\n");

        var next = record.Successor(7, "h", fencedAtStep: null, new PublishedCheckpoints(HighestGeneration: 5, HighestStep: 300));

        Assert.Equal(6, next.Generation);
        Assert.Equal([new WriterFence(2, 40)], next.Fences);
    }

    [Fact]
    public void Successor_ByTakeoverOfARecordOlderThanTheCheckpoints_FencesTheHigherGeneration()
    {
        var held = WriterRecord.Parse("generation=2\n");

        var taker = held.Successor(6, "b", fencedAtStep: 120, new PublishedCheckpoints(HighestGeneration: 4, HighestStep: 120));

        Assert.Equal(5, taker.Generation);
        Assert.Equal([new WriterFence(4, 120)], taker.Fences);
    }

    [Fact]
    public void Successor_KeepsOnlyTheNewestFences()
    {
        var record = WriterRecord.Parse(null);
        for (var i = 0; i < WriterRecord.KeptFences + 5; i++)
        {
            record = record.Successor(1, "h", fencedAtStep: i * 10);
        }

        Assert.Equal(WriterRecord.KeptFences, record.Fences.Count);
        Assert.Equal(new WriterFence(5, 50), record.Fences[0]);
        Assert.Equal(new WriterFence(WriterRecord.KeptFences + 4, (WriterRecord.KeptFences + 4) * 10), record.Fences[^1]);
    }

    [Fact]
    public void FormatThenParse_GivesTheSameRecord()
    {
        var record = new WriterRecord(4242, "node-7", 31, [new WriterFence(3, 17), new WriterFence(30, long.MaxValue - 1)]);

        var parsed = WriterRecord.Parse(record.Format(Since));

        Assert.Equal(record.ProcessId, parsed.ProcessId);
        Assert.Equal(record.Host, parsed.Host);
        Assert.Equal(record.Generation, parsed.Generation);
        Assert.Equal(record.Fences, parsed.Fences);
        Assert.Equal((4242, "node-7"), LocalDirectoryStore.ParseHolder(record.Format(Since)));
    }

    [Theory]
    [InlineData(3L, 121L, true)] // the fenced generation, above the fence step: published late
    [InlineData(3L, 120L, false)] // at the fence step: it was there when the run was taken over
    [InlineData(2L, 500L, true)] // an older generation is fenced too
    [InlineData(4L, 500L, false)] // the taker and later generations are not
    [InlineData(null, 121L, true)] // a file without a generation counts as generation 0
    [InlineData(null, 12L, false)]
    public void Excludes_GenerationAtOrBelowAFenceAboveItsStep(long? generation, long step, bool excluded)
    {
        var record = new WriterRecord(1, "h", 4, [new WriterFence(3, 120)]);

        Assert.Equal(excluded, record.Excludes(generation, step));
    }
}
