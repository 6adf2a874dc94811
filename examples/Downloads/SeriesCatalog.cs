using System.Collections.Concurrent;
using System.Globalization;

namespace Downloads;

/// <summary>The series the server publishes, generated on first request and kept in memory.</summary>
internal sealed class SeriesCatalog(ulong seed, int count, int revision, int maxBytes)
{
    private readonly ConcurrentDictionary<string, Lazy<SeriesData>> _generated = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _index = Keys(count).Select((key, i) => (key, i)).ToDictionary(p => p.key, p => p.i + 1, StringComparer.Ordinal);

    public int Revision { get; } = revision;

    /// <summary>The series ids for a run of <paramref name="count"/> series, in download order: S0001, S0002, …</summary>
    public static IReadOnlyList<string> Keys(int count)
    {
        var width = Math.Max(4, count.ToString(CultureInfo.InvariantCulture).Length);
        return [.. Enumerable.Range(1, count).Select(i => "S" + i.ToString(CultureInfo.InvariantCulture).PadLeft(width, '0'))];
    }

    public bool TryGet(string key, out SeriesData data)
    {
        if (!_index.TryGetValue(key, out var index))
        {
            data = null!;
            return false;
        }

        data = _generated.GetOrAdd(key, k => new Lazy<SeriesData>(() => SeriesData.Generate(seed, index, k, Revision, maxBytes))).Value;
        return true;
    }
}
