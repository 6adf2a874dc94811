using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Downloads;

/// <summary>
/// One series as the server publishes it: a CSV of a seeded random walk, its strong ETag and its
/// SHA-256 (sent as <c>Repr-Digest</c>, RFC 9530). The same seed, series and revision always give
/// the same bytes; another revision gives other bytes and another ETag.
/// </summary>
internal sealed record SeriesData(string Key, byte[] Content, string ETag, byte[] Sha256)
{
    public const int MinimumBytes = 4 * 1024;

    private static readonly DateOnly FirstDate = new(1990, 1, 1);

    /// <summary>The <c>Repr-Digest</c> header value: <c>sha-256=:base64:</c>.</summary>
    public string ReprDigest => $"sha-256=:{Convert.ToBase64String(Sha256)}:";

    /// <summary>
    /// Generates series number <paramref name="index"/>: its size is log-uniform between
    /// <see cref="MinimumBytes"/> (or <paramref name="maxBytes"/> when smaller) and <paramref name="maxBytes"/>.
    /// </summary>
    public static SeriesData Generate(ulong seed, int index, string key, int revision, int maxBytes)
    {
        var rng = new SplitMix64(SplitMix64.Mix(seed, (ulong)index, (ulong)revision));
        var minBytes = Math.Min(MinimumBytes, maxBytes);
        var target = (int)Math.Exp(Math.Log(minBytes) + (rng.NextDouble() * (Math.Log(maxBytes) - Math.Log(minBytes))));
        var text = new StringBuilder(target + 64);
        text.Append("date,").Append(key).Append('\n');
        var value = 50.0 + (rng.NextDouble() * 100.0);
        var drift = (rng.NextDouble() - 0.5) * 0.02;
        for (var day = 0; text.Length < target; day++)
        {
            // A sum of three uniforms is a cheap, portable stand-in for a normal step.
            var step = rng.NextDouble() + rng.NextDouble() + rng.NextDouble() - 1.5;
            value = Math.Max(0.01, value + drift + step);
            text.Append(FirstDate.AddDays(day).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture))
                .Append(',')
                .Append(value.ToString("F4", CultureInfo.InvariantCulture))
                .Append('\n');
        }

        var content = Encoding.ASCII.GetBytes(text.ToString());
        var sha = SHA256.HashData(content);
        var etag = $"\"r{revision.ToString(CultureInfo.InvariantCulture)}-{Convert.ToHexStringLower(sha, 0, 8)}\"";
        return new SeriesData(key, content, etag, sha);
    }
}
