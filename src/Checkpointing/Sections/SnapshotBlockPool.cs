using System.Collections.Concurrent;

namespace Checkpointing;

/// <summary>
/// Keeps the blocks of a finished background snapshot for the next one: fresh memory costs a page
/// fault per page (expensive in virtual machines), memory already touched is copied at full speed.
/// Holds at most the blocks of the snapshots written so far, and nothing after <see cref="Clear"/>.
/// </summary>
internal sealed class SnapshotBlockPool
{
    private readonly ConcurrentBag<byte[]> _blocks = [];

    public byte[] Rent() => _blocks.TryTake(out var block) ? block : GC.AllocateUninitializedArray<byte>(CapturedSectionContent.BlockSize);

    public void Return(byte[] block)
    {
        if (block.Length == CapturedSectionContent.BlockSize)
        {
            _blocks.Add(block);
        }
    }

    public void Clear() => _blocks.Clear();
}
