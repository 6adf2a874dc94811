using Checkpointing.Tests.Sections;

namespace Checkpointing.Tests.Background;

/// <summary>
/// A background snapshot costs memory in proportion to its data: small sections do not each take a
/// 64 MiB snapshot block. Measured as bytes allocated by the calling thread (the capture runs there),
/// which is deterministic.
/// </summary>
public sealed class BackgroundSaveMemoryTests : IDisposable
{
    private const long Limit = 16 << 20;

    private readonly BackgroundRun _run = new();

    public void Dispose() => _run.Dispose();

    [Fact]
    public async Task SaveInBackgroundAsync_SmallSectionsWhileAnotherSnapshotIsHeld_AllocatesAboutTheirSize()
    {
        var manager = _run.Open(o => o.WhenBackgroundSaveBusy = BackgroundSavePolicy.Coalesce);
        var gate = _run.Fs.HoldNextTempSync();
        var first = await manager.SaveInBackgroundAsync(new BgState { Step = 1 }, step: 1, sections: Small(1));
        gate.WaitUntilHeld();

        var before = GC.GetAllocatedBytesForCurrentThread();
        var pending = manager.SaveInBackgroundAsync(new BgState { Step = 2 }, step: 2, sections: Small(2));
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(pending.IsCompleted, "a coalesced request returns without waiting");
        var second = await pending;

        Assert.Equal(BackgroundSaveOutcome.Queued, second.Outcome);
        Assert.True(allocated < Limit, $"capturing eight one-element sections and a 100-byte stream allocated {allocated >> 20} MiB");
        gate.Release();
        var metadata = (await BackgroundRun.Guard(second.Completion))!;
        Assert.True(first.IsDurable);
        for (var i = 0; i < 8; i++)
        {
            Assert.Equal([(2 * 100.0) + i], metadata.Sections[$"s{i}"].ReadArray<double>());
        }

        Assert.Equal(Enumerable.Range(0, 100).Select(b => (byte)(b + 2)), metadata.Sections["stream"].ReadArray<byte>());
    }

    [Fact]
    public async Task SaveInBackgroundAsync_MidSizeSection_AllocatesAboutItsSize()
    {
        var manager = _run.Open();
        var weights = SectionData.Doubles(SectionData.SeveralChunks / 8, 111);
        var save = await manager.SaveInBackgroundAsync(new BgState { Step = 1 }, step: 1, sections: new BinarySections { { "w", weights } });
        await BackgroundRun.Guard(save.Completion);

        weights[0] = -5;
        var before = GC.GetAllocatedBytesForCurrentThread();
        save = await manager.SaveInBackgroundAsync(new BgState { Step = 2 }, step: 2, sections: new BinarySections { { "w", weights } });
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        var metadata = await BackgroundRun.Guard(save.Completion);

        // 3.5 MiB: a fresh copy at most (small sections are not pooled), never a 64 MiB block.
        Assert.True(allocated < Limit, $"capturing 3.5 MiB allocated {allocated >> 20} MiB");
        Assert.Equal(weights, metadata!.Sections["w"].ReadArray<double>());
    }

    private static BinarySections Small(int salt)
    {
        var sections = new BinarySections();
        for (var i = 0; i < 8; i++)
        {
            sections.Add($"s{i}", new[] { (salt * 100.0) + i });
        }

        sections.Add("stream", new MemoryStream([.. Enumerable.Range(0, 100).Select(b => (byte)(b + salt))]));
        return sections;
    }
}
