namespace Checkpointing.Studies;

/// <summary>The standard normal distribution functions the TPE sampler needs.</summary>
internal static class NormalMath
{
    private const double LogSqrtTwoPi = 0.91893853320467274178;

    /// <summary>
    /// Φ(x), the standard normal CDF (Hart's rational approximation as given by West, 2005):
    /// relative error below 1e-8 in the lower tail, exact symmetry Φ(-x) = 1 - Φ(x).
    /// </summary>
    public static double Cdf(double x)
    {
        if (double.IsNaN(x))
        {
            return double.NaN;
        }

        var a = Math.Abs(x);
        double tail;
        if (a > 37)
        {
            tail = 0;
        }
        else
        {
            var e = Math.Exp(-a * a / 2);
            if (a < 7.07106781186547)
            {
                var n = (0.0352624965998911 * a) + 0.700383064443688;
                n = (n * a) + 6.37396220353165;
                n = (n * a) + 33.912866078383;
                n = (n * a) + 112.079291497871;
                n = (n * a) + 221.213596169931;
                n = (n * a) + 220.206867912376;
                var d = (0.0883883476483184 * a) + 1.75566716318264;
                d = (d * a) + 16.064177579207;
                d = (d * a) + 86.7807322029461;
                d = (d * a) + 296.564248779674;
                d = (d * a) + 637.333633378831;
                d = (d * a) + 793.826512519948;
                d = (d * a) + 440.413735824752;
                tail = e * n / d;
            }
            else
            {
                var b = a + 0.65;
                b = a + (4 / b);
                b = a + (3 / b);
                b = a + (2 / b);
                b = a + (1 / b);
                tail = e / b / 2.506628274631;
            }
        }

        return x > 0 ? 1 - tail : tail;
    }

    /// <summary>Φ(hi) - Φ(lo) for lo ≤ hi, computed in the tail where it is accurate.</summary>
    public static double Mass(double lo, double hi) =>
        lo > 0 ? Cdf(-lo) - Cdf(-hi) : Cdf(hi) - Cdf(lo);

    /// <summary>log φ(z), the log density of the standard normal.</summary>
    public static double LogPdf(double z) => (-0.5 * z * z) - LogSqrtTwoPi;

    /// <summary>log Σ exp(values[i]) without overflow; -∞ for an empty or all -∞ input.</summary>
    public static double LogSumExp(ReadOnlySpan<double> values)
    {
        var max = double.NegativeInfinity;
        foreach (var v in values)
        {
            if (v > max)
            {
                max = v;
            }
        }

        if (double.IsNegativeInfinity(max) || double.IsNaN(max))
        {
            return max;
        }

        var sum = 0.0;
        foreach (var v in values)
        {
            sum += Math.Exp(v - max);
        }

        return max + Math.Log(sum);
    }
}
