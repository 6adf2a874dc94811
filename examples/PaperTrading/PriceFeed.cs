using Checkpointing.Randomness;

namespace PaperTrading;

/// <summary>
/// A deterministic price feed: a seeded random walk with drifting trends for ten made-up tickers,
/// quoted in cents. Every price is a pure function of (seed, ticker, tick), so a resumed run sees
/// exactly the prices an uninterrupted one saw; each ticker has its own forked random stream, so its
/// prices do not depend on how many ticks are generated. Moving averages come from exact decimal prefix sums.
/// </summary>
internal sealed class PriceFeed
{
    /// <summary>The short moving-average window, in ticks.</summary>
    public const int FastWindow = 5;

    /// <summary>The long moving-average window, in ticks; the first decision is at this tick.</summary>
    public const int SlowWindow = 20;

    private static readonly (string Symbol, double StartPrice, double Volatility)[] Listing =
    [
        ("ACME", 102.40, 0.006), ("BOLT", 48.15, 0.009), ("CRUX", 251.00, 0.005), ("DYNA", 17.62, 0.012),
        ("EMBR", 75.30, 0.007), ("FLUX", 133.85, 0.007), ("GRID", 29.99, 0.010), ("HALO", 310.10, 0.004),
        ("IONX", 8.45, 0.015), ("JADE", 61.70, 0.008),
    ];

    private readonly decimal[][] _prices;
    private readonly decimal[][] _prefix;

    public PriceFeed(ulong seed, int ticks)
    {
        Ticks = ticks;
        Symbols = [.. Listing.Select(l => l.Symbol)];
        _prices = new decimal[Listing.Length][];
        _prefix = new decimal[Listing.Length][];
        var master = new CheckpointableRandom(seed);
        for (var i = 0; i < Listing.Length; i++)
        {
            _prices[i] = Walk(master.Fork(), Listing[i].StartPrice, Listing[i].Volatility, ticks);
            _prefix[i] = new decimal[ticks + 1];
            for (var t = 0; t < ticks; t++)
            {
                _prefix[i][t + 1] = _prefix[i][t] + _prices[i][t];
            }
        }
    }

    /// <summary>How many tickers the feed quotes: the decision points per tick.</summary>
    public static int TickerCount => Listing.Length;

    public int Ticks { get; }

    public IReadOnlyList<string> Symbols { get; }

    public int Count => Symbols.Count;

    /// <summary>The price of ticker <paramref name="ticker"/> (an index into <see cref="Symbols"/>) at <paramref name="tick"/>.</summary>
    public decimal Price(int ticker, int tick) => _prices[ticker][tick];

    /// <summary>The mean price over the <paramref name="window"/> ticks ending at <paramref name="tick"/> (inclusive).</summary>
    public decimal MovingAverage(int ticker, int tick, int window) =>
        (_prefix[ticker][tick + 1] - _prefix[ticker][tick + 1 - window]) / window;

    /// <summary>The index of <paramref name="symbol"/> in <see cref="Symbols"/>, or -1.</summary>
    public int IndexOf(string symbol)
    {
        for (var i = 0; i < Symbols.Count; i++)
        {
            if (Symbols[i] == symbol)
            {
                return i;
            }
        }

        return -1;
    }

    private static decimal[] Walk(CheckpointableRandom rng, double start, double volatility, int ticks)
    {
        var prices = new decimal[ticks];
        var price = start;
        var trend = 0.0;
        for (var t = 0; t < ticks; t++)
        {
            prices[t] = Cents(price);
            if (rng.NextDouble() < 0.01)
            {
                trend = rng.NextGaussian(0, volatility / 12);
            }

            price *= Math.Exp(trend + rng.NextGaussian(0, volatility) - (volatility * volatility / 2));
            price = Math.Max(price, 0.50);
        }

        return prices;
    }

    /// <summary>Rounds to whole cents, always with scale 2, so every amount derived from prices prints and serialises the same way.</summary>
    public static decimal Cents(double value) => Cents((decimal)value);

    /// <inheritdoc cref="Cents(double)" />
    public static decimal Cents(decimal value) => decimal.Round(value, 2, MidpointRounding.ToEven) + 0.00m;
}
