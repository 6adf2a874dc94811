using System.Globalization;

namespace Checkpointing.ProcessTests;

/// <summary>Seeds and sizes of the randomized process tests, settable from the environment to reproduce or soak.</summary>
internal static class TestSettings
{
    /// <summary><c>CKPT_TEST_SEED</c> when set (to replay a failure), else a fresh seed; always printed.</summary>
    public static int Seed()
    {
        var text = Environment.GetEnvironmentVariable("CKPT_TEST_SEED");
        return int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var seed) ? seed : Random.Shared.Next();
    }

    /// <summary><c>CKPT_PROCESS_TEST_SCALE</c> (default 1) multiplies the number of kills, races and repetitions.</summary>
    public static int Scale(int count)
    {
        var text = Environment.GetEnvironmentVariable("CKPT_PROCESS_TEST_SCALE");
        var scale = int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var s) && s > 0 ? s : 1;
        return count * scale;
    }

    /// <summary>True when running in CI (the CI script sets <c>CI=true</c>).</summary>
    public static bool InCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>The checkout this test assembly was built from (the directory holding Checkpointing.slnx).</summary>
    public static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Checkpointing.slnx")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No Checkpointing.slnx above {AppContext.BaseDirectory}.");
    }
}
