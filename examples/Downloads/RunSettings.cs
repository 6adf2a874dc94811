using System.Text.Json;

namespace Downloads;

/// <summary>
/// What defines a run's data: kept in <c>download.json</c> in the run directory, so a resumed run
/// downloads the same series whatever options it is given.
/// </summary>
internal sealed record RunSettings(ulong Seed, int Series, int MaxKiB)
{
    public const string FileName = "download.json";

    public static RunSettings? TryLoad(string runDirectory)
    {
        var path = Path.Combine(runDirectory, FileName);
        if (!File.Exists(path))
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize<RunSettings>(File.ReadAllBytes(path)) is { Series: > 0, MaxKiB: > 0 } settings ? settings : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public void Save(string runDirectory) => Durable.WriteAllBytes(Path.Combine(runDirectory, FileName), JsonSerializer.SerializeToUtf8Bytes(this));
}
