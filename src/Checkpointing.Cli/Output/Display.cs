using System.Globalization;
using Spectre.Console;

namespace Checkpointing.Cli.Output;

/// <summary>Short human forms of sizes, ages and progress for tables.</summary>
internal static class Display
{
    private static readonly string[] Units = ["B", "KiB", "MiB", "GiB", "TiB"];

    public static string Bytes(long bytes)
    {
        double value = bytes;
        var unit = 0;
        while (value >= 1024 && unit < Units.Length - 1)
        {
            value /= 1024;
            unit++;
        }

        return unit == 0 ? $"{bytes} B" : string.Create(CultureInfo.InvariantCulture, $"{value:0.0} {Units[unit]}");
    }

    public static string Age(DateTimeOffset? timestamp, DateTimeOffset now)
    {
        if (timestamp is not DateTimeOffset t)
        {
            return "-";
        }

        var age = now - t;
        return age.TotalSeconds < 0 ? "just now"
            : age.TotalMinutes < 1 ? $"{(int)age.TotalSeconds}s ago"
            : age.TotalHours < 1 ? $"{(int)age.TotalMinutes}m ago"
            : age.TotalDays < 1 ? $"{(int)age.TotalHours}h ago"
            : $"{(int)age.TotalDays}d ago";
    }

    /// <summary><c>40/100 ████░░░░░░ 40%</c>, or just the step without a total.</summary>
    public static string Progress(long? step, long? total, double? percent, bool unicode)
    {
        if (step is not long s)
        {
            return "-";
        }

        if (total is not long t || percent is not double p)
        {
            return s.ToString(CultureInfo.InvariantCulture);
        }

        const int width = 10;
        var filled = (int)Math.Clamp(Math.Round(p / 100 * width), 0, width);
        var bar = unicode ? new string('█', filled) + new string('░', width - filled) : "[" + new string('#', filled) + new string('-', width - filled) + "]";
        return string.Create(CultureInfo.InvariantCulture, $"{s}/{t} {bar} {p:0}%");
    }

    /// <summary><c>12.5/s</c>, or per minute or hour for slow runs; <c>-</c> when unknown.</summary>
    public static string Rate(double? stepsPerSecond) => stepsPerSecond switch
    {
        null => "-",
        >= 1 => string.Create(CultureInfo.InvariantCulture, $"{stepsPerSecond:0.##}/s"),
        >= 1.0 / 60 => string.Create(CultureInfo.InvariantCulture, $"{stepsPerSecond * 60:0.##}/min"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{stepsPerSecond * 3600:0.##}/h"),
    };

    /// <summary><c>45s</c>, <c>3m 05s</c>, <c>2h 10m</c>; <c>-</c> when unknown.</summary>
    public static string Duration(double? seconds)
    {
        if (seconds is not double s)
        {
            return "-";
        }

        var t = TimeSpan.FromSeconds(s);
        return t.TotalHours >= 1 ? $"{(int)t.TotalHours}h {t.Minutes:00}m" : t.TotalMinutes >= 1 ? $"{t.Minutes}m {t.Seconds:00}s" : $"{Math.Ceiling(t.TotalSeconds):0}s";
    }

    /// <summary>A save's duration: <c>0.4 ms</c>, <c>12.3 ms</c>, <c>1.25 s</c>, then as <see cref="Duration"/>; <c>-</c> when unknown.</summary>
    public static string SaveTime(double? seconds) => seconds switch
    {
        null => "-",
        < 1 => string.Create(CultureInfo.InvariantCulture, $"{Math.Round(seconds.Value * 1000, 1)} ms"),
        < 120 => string.Create(CultureInfo.InvariantCulture, $"{Math.Round(seconds.Value, 2)} s"),
        _ => Duration(seconds),
    };

    /// <summary><c>1 record</c>, <c>60 records</c>.</summary>
    public static string Count(long count, string noun) =>
        string.Create(CultureInfo.InvariantCulture, $"{count} {noun}{(count == 1 ? string.Empty : "s")}");

    /// <summary>A value in six significant digits, invariant (<c>0.118073</c>, <c>-Infinity</c>).</summary>
    public static string Number(double value) => value.ToString("G6", CultureInfo.InvariantCulture);

    public static string Metrics(IReadOnlyDictionary<string, double> metrics) =>
        string.Join(" ", metrics.OrderBy(m => m.Key, StringComparer.Ordinal).Select(m => string.Create(CultureInfo.InvariantCulture, $"{m.Key}={m.Value:G6}")));

    public static string Time(DateTimeOffset timestamp) => timestamp.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>Text for a table cell: markup characters escaped.</summary>
    public static Markup Cell(string text, string? style = null) =>
        style is null ? new Markup(Markup.Escape(text)) : new Markup($"[{style}]{Markup.Escape(text)}[/]");
}
