using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Checkpointing.Hosting.Configuration;

/// <summary>
/// Binds <see cref="CheckpointOptions"/> from a configuration section with the source-generated binder, after
/// checking every key and value in it: a misspelt key or a value of the wrong form fails start-up with a
/// message naming the key and what to type, instead of being ignored or surfacing as a conversion error.
/// </summary>
internal sealed class CheckpointOptionsSetup(IConfiguration section) : IConfigureOptions<CheckpointOptions>
{
    /// <summary>The options that configuration can set, with a check of a value's form and what to type when it is wrong.</summary>
    internal static readonly IReadOnlyList<(string Key, Func<string, bool> IsValid, string Expected)> Settings =
    [
        (nameof(CheckpointOptions.RootDirectory), static _ => true, "a directory path"),
        (nameof(CheckpointOptions.KeepLastN), static v => v.Length == 0 || IsInt(v), "a whole number (1 or more), or an empty value to keep every checkpoint"),
        (nameof(CheckpointOptions.KeepBestN), IsInt, "a whole number (0 or more)"),
        (nameof(CheckpointOptions.BestMetric), static _ => true, "a metric name"),
        (nameof(CheckpointOptions.BestMetricMode), IsName<BestMetricMode>, Names<BestMetricMode>()),
        (nameof(CheckpointOptions.KeepEvery), static v => v.Length == 0 || TimeSpan.TryParse(v, CultureInfo.InvariantCulture, out _), "a time span such as 01:00:00 (one hour) or 1.00:00:00 (one day), or an empty value to turn it off"),
        (nameof(CheckpointOptions.MaxTotalBytes), static v => v.Length == 0 || long.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out _), "a number of bytes such as 10737418240 (10 GiB), or an empty value for no cap"),
        (nameof(CheckpointOptions.Compression), IsName<CheckpointCompression>, Names<CheckpointCompression>()),
        (nameof(CheckpointOptions.WhenBackgroundSaveBusy), IsName<Checkpointing.BackgroundSavePolicy>, Names<Checkpointing.BackgroundSavePolicy>()),
        (nameof(CheckpointOptions.ReadOnly), IsBool, "true or false"),
        (nameof(CheckpointOptions.TakeOverLock), IsBool, "true or false"),
    ];

    /// <summary>The options that only code can set.</summary>
    internal static readonly IReadOnlyList<string> CodeOnly =
        [nameof(CheckpointOptions.Serializer), nameof(CheckpointOptions.LoggerFactory), nameof(CheckpointOptions.TimeProvider), nameof(CheckpointOptions.MeterFactory)];

    public void Configure(CheckpointOptions options)
    {
        var problems = Check(section);
        if (problems.Count > 0)
        {
            throw new OptionsValidationException(Options.DefaultName, typeof(CheckpointOptions), problems);
        }

        // The generator binds what configuration can express and skips the code-only properties (see the project file).
        section.Bind(options);

        // The binder skips empty values; for these options an empty value (or JSON null) is how configuration says null.
        if (IsEmpty(section, nameof(CheckpointOptions.KeepLastN)))
        {
            options.KeepLastN = null;
        }

        if (IsEmpty(section, nameof(CheckpointOptions.KeepEvery)))
        {
            options.KeepEvery = null;
        }

        if (IsEmpty(section, nameof(CheckpointOptions.MaxTotalBytes)))
        {
            options.MaxTotalBytes = null;
        }

        if (IsEmpty(section, nameof(CheckpointOptions.BestMetric)))
        {
            options.BestMetric = null;
        }
    }

    /// <summary>Every unknown key and every value of the wrong form in <paramref name="section"/>, as messages naming the key.</summary>
    internal static List<string> Check(IConfiguration section)
    {
        var problems = new List<string>();
        foreach (var child in section.GetChildren())
        {
            var setting = Settings.FirstOrDefault(s => string.Equals(s.Key, child.Key, StringComparison.OrdinalIgnoreCase));
            if (setting.Key is null)
            {
                problems.Add(CodeOnly.Contains(child.Key, StringComparer.OrdinalIgnoreCase)
                    ? $"{child.Path} cannot be set in configuration; set it in code: services.AddCheckpointing(...) followed by services.Configure<CheckpointOptions>(o => o.{child.Key} = ...)."
                    : $"{child.Path} is not a checkpoint option (misspelt?). The options are {string.Join(", ", Settings.Select(s => s.Key))}.");
                continue;
            }

            if (child.Value is null)
            {
                if (child.GetChildren().Any())
                {
                    problems.Add($"{child.Path} is a section; type {setting.Expected}.");
                }

                continue;
            }

            if (!setting.IsValid(child.Value.Trim()))
            {
                problems.Add($"{child.Path} is '{child.Value}'; type {setting.Expected}.");
            }
        }

        return problems;
    }

    /// <summary>True when the key is present with an empty value (JSON <c>null</c> or <c>""</c>, an empty environment variable).</summary>
    private static bool IsEmpty(IConfiguration section, string key)
    {
        var child = section.GetChildren().FirstOrDefault(c => string.Equals(c.Key, key, StringComparison.OrdinalIgnoreCase));
        return child is not null && string.IsNullOrEmpty(child.Value) && !child.GetChildren().Any();
    }

    private static bool IsInt(string value) => int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out _);

    private static bool IsBool(string value) => bool.TryParse(value, out _);

    // Names only: Enum.Parse would also take "7", an undefined value.
    private static bool IsName<TEnum>(string value)
        where TEnum : struct, Enum => Enum.GetNames<TEnum>().Contains(value, StringComparer.OrdinalIgnoreCase);

    private static string Names<TEnum>()
        where TEnum : struct, Enum
    {
        var names = Enum.GetNames<TEnum>();
        return "one of " + string.Join(", ", names[..^1]) + " or " + names[^1];
    }
}
