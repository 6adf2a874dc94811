using System.Globalization;

namespace Checkpointing.Cli.Reporting;

/// <summary>
/// Axes with round ticks: numbers at 1, 2 or 5 × 10ⁿ (the range widened to whole ticks), sizes and durations in a
/// unit that suits their largest value and starting at zero, times at whole seconds, minutes, hours or days in UTC.
/// </summary>
internal static class AxisBuilder
{
    private const int TargetTicks = 5;

    /// <summary>A bound no axis is drawn past: rounding an end outwards by one step must stay finite.</summary>
    private const double LargestValue = 1e300;

    /// <summary>Ticks drawn at most: a guard for spans that rounding makes degenerate (steps near 2^53 and beyond).</summary>
    private const int MaxTicks = 1000;

    private static readonly double EarliestUnixSeconds = DateTimeOffset.MinValue.ToUnixTimeSeconds();
    private static readonly double LatestUnixSeconds = DateTimeOffset.MaxValue.ToUnixTimeSeconds();

    private static readonly string[] ByteUnits = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"];

    /// <summary>Tick spacings for time axes, in seconds: 1 ms up to 30 days.</summary>
    private static readonly double[] TimeSteps =
        [0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400, 172800, 604800, 1209600, 2592000];

    /// <summary>An axis for <paramref name="values"/> (non-finite ones ignored; none gives a default range).</summary>
    public static Axis Build(AxisKind kind, string title, IEnumerable<double> values)
    {
        // Values saved as "no value yet" (double.MaxValue and the like) would overflow the rounded ends to infinity.
        var finite = values.Where(double.IsFinite).Select(v => Math.Clamp(v, -LargestValue, LargestValue)).ToList();
        var min = finite.Count == 0 ? 0 : finite.Min();
        var max = finite.Count == 0 ? 0 : finite.Max();
        return kind switch
        {
            AxisKind.Time => TimeAxis(title, min, max),
            AxisKind.Bytes => ScaledAxis(title, max, BytesUnit(max)),
            AxisKind.Seconds => ScaledAxis(title, max, DurationUnit(max)),
            AxisKind.Count => NumberAxis(title, min, max, integer: true, 1, null),
            _ => NumberAxis(title, min, max, integer: false, 1, null),
        };
    }

    /// <summary>1, 2 or 5 × 10ⁿ: the round spacing nearest above <paramref name="raw"/>.</summary>
    public static double NiceStep(double raw)
    {
        if (!(raw > 0) || !double.IsFinite(raw))
        {
            return 1;
        }

        var magnitude = Math.Pow(10, Math.Floor(Math.Log10(raw)));
        var fraction = raw / magnitude;
        var nice = fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10;
        return nice * magnitude;
    }

    private static Axis NumberAxis(string title, double min, double max, bool integer, double scale, string? unit)
    {
        if (max - min <= 0)
        {
            var pad = integer ? 1 : min == 0 ? 1 : Math.Abs(min) * 0.1;
            min = min >= 0 && min - pad < 0 ? 0 : min - pad;
            max += pad;
        }

        var step = NiceStep((max - min) / TargetTicks);
        if (integer)
        {
            step = Math.Max(1, step);
        }

        var low = Math.Floor(min / step) * step;
        var high = Math.Ceiling(max / step) * step;
        var decimals = Math.Max(0, (int)-Math.Floor(Math.Log10(step)));
        var ticks = new List<AxisTick>();
        for (var k = 0; k <= MaxTicks; k++)
        {
            var value = Math.Round(low + k * step, Math.Min(decimals, 15));
            if (value > high + step * 1e-9)
            {
                break;
            }

            var label = NumberLabel(value, decimals);
            ticks.Add(new AxisTick(value * scale, unit is null ? label : $"{label} {unit}"));
        }

        return new Axis(title, low * scale, high * scale, ticks);
    }

    private static string NumberLabel(double value, int decimals)
    {
        if (value == 0)
        {
            return "0";
        }

        var magnitude = Math.Abs(value);
        return magnitude >= 1e7 || decimals > 6
            ? value.ToString("0.##E+0", CultureInfo.InvariantCulture)
            : value.ToString(decimals == 0 ? "#,0" : "#,0." + new string('0', decimals), CultureInfo.InvariantCulture);
    }

    /// <summary>A zero-based axis in a unit (KiB, ms, …): ticks are round numbers of that unit, values stay in base units.</summary>
    private static Axis ScaledAxis(string title, double max, (double Scale, string Name) unit) =>
        NumberAxis(title, 0, Math.Max(0, max) / unit.Scale, integer: false, unit.Scale, unit.Name);

    private static (double Scale, string Name) BytesUnit(double max)
    {
        var unit = 0;
        var scale = 1.0;
        while (max / scale >= 1024 && unit < ByteUnits.Length - 1)
        {
            scale *= 1024;
            unit++;
        }

        return (scale, ByteUnits[unit]);
    }

    private static (double Scale, string Name) DurationUnit(double maxSeconds) => maxSeconds switch
    {
        < 1 => (0.001, "ms"),
        < 120 => (1, "s"),
        < 7200 => (60, "min"),
        < 172800 => (3600, "h"),
        _ => (86400, "d"),
    };

    private static Axis TimeAxis(string title, double min, double max)
    {
        if (max - min <= 0)
        {
            min -= 30;
            max += 30;
        }

        var pad = (max - min) * 0.04;
        var low = Math.Max(min - pad, EarliestUnixSeconds);
        var high = Math.Min(max + pad, LatestUnixSeconds);
        var step = TimeSteps.FirstOrDefault(s => (high - low) / s <= TargetTicks + 1, TimeSteps[^1]);
        var first = DateTimeOffset.FromUnixTimeMilliseconds((long)(low * 1000));
        var last = DateTimeOffset.FromUnixTimeMilliseconds((long)(high * 1000));
        var sameDay = first.UtcDateTime.Date == last.UtcDateTime.Date;
        var format = step < 0.01 ? "HH:mm:ss.fff" : step < 0.1 ? "HH:mm:ss.ff" : step < 1 ? "HH:mm:ss.f" : step < 60 ? "HH:mm:ss" : step < 86400 ? (sameDay ? "HH:mm" : "MM-dd HH:mm") : "yyyy-MM-dd";
        var ticks = new List<AxisTick>();
        for (var k = Math.Ceiling(low / step); k * step <= high && ticks.Count <= MaxTicks; k++)
        {
            var value = k * step;
            var time = DateTimeOffset.FromUnixTimeMilliseconds((long)Math.Round(value * 1000)).UtcDateTime;
            ticks.Add(new AxisTick(value, time.ToString(format, CultureInfo.InvariantCulture)));
        }

        var fullTitle = sameDay && step < 86400
            ? $"{title} (UTC, {first.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)})"
            : $"{title} (UTC)";
        return new Axis(fullTitle, low, high, ticks);
    }
}
