namespace QuickStart;

/// <summary>
/// Everything the job needs to continue: its settings, how far it got, its running totals and
/// the random generator's state. This record is what each checkpoint holds.
/// </summary>
internal sealed record PiState(ulong Seed, long TotalSteps, long Step, long Samples, long Inside, ulong Rng)
{
    public const int SamplesPerStep = 250_000;

    public static PiState Start(ulong seed, long totalSteps) => new(seed, totalSteps, 0, 0, 0, seed);

    public double Estimate => Samples == 0 ? 0 : 4.0 * Inside / Samples;

    /// <summary>One step of work: throw darts at the unit square and count those inside the quarter circle.</summary>
    public PiState Advance()
    {
        var rng = new SplitMix64(Rng);
        var inside = 0L;
        for (var i = 0; i < SamplesPerStep; i++)
        {
            var x = rng.NextDouble();
            var y = rng.NextDouble();
            if (x * x + y * y < 1.0)
            {
                inside++;
            }
        }

        return this with { Step = Step + 1, Samples = Samples + SamplesPerStep, Inside = Inside + inside, Rng = rng.State };
    }
}
