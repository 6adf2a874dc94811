using Checkpointing.Randomness;

namespace WorkerService;

/// <summary>
/// Everything the batch job needs to continue: its settings, how far it got, its running totals and the
/// random generator's state. Each checkpoint holds one of these.
/// </summary>
internal sealed record BatchState(
    ulong Seed,
    int Records,
    int BatchSize,
    int Processed,
    int Accepted,
    int Rejected,
    long AmountCents,
    long[] CategoryCents,
    ulong Checksum,
    RandomState Rng)
{
    public const int Categories = 8;
    private const ulong FnvOffset = 14695981039346656037UL;
    private const ulong FnvPrime = 1099511628211UL;

    public int Batches => (Records + BatchSize - 1) / BatchSize;

    public static BatchState Start(ulong seed, int records, int batchSize) =>
        new(seed, records, batchSize, 0, 0, 0, 0, new long[Categories], FnvOffset, new CheckpointableRandom(seed).State);

    /// <summary>
    /// Processes the next batch of records: each is drawn from the seeded stream (an amount and a category),
    /// validated (amounts divisible by 97 are rejected, as a stand-in for bad input), added to the totals
    /// and folded into an FNV-1a checksum of everything accepted, in order.
    /// </summary>
    public BatchState ProcessNextBatch()
    {
        var rng = new CheckpointableRandom(Rng);
        var categories = (long[])CategoryCents.Clone();
        var (accepted, rejected, amount, checksum) = (Accepted, Rejected, AmountCents, Checksum);
        var end = Math.Min(Records, Processed + BatchSize);
        for (var id = Processed; id < end; id++)
        {
            var cents = rng.NextInt64(1, 1_000_000);
            var category = rng.Next(Categories);
            if (cents % 97 == 0)
            {
                rejected++;
                continue;
            }

            accepted++;
            amount += cents;
            categories[category] += cents;
            checksum = (checksum ^ (ulong)id) * FnvPrime;
            checksum = (checksum ^ (ulong)cents) * FnvPrime;
        }

        return this with
        {
            Processed = end,
            Accepted = accepted,
            Rejected = rejected,
            AmountCents = amount,
            CategoryCents = categories,
            Checksum = checksum,
            Rng = rng.State,
        };
    }
}
