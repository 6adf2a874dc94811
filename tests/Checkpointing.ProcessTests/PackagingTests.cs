using Checkpointing.Serialization;
using Xunit.Abstractions;

namespace Checkpointing.ProcessTests;

/// <summary>
/// The packages work from outside the solution: eng/try-packages.sh packs them, publishes a scratch program that uses
/// Checkpointing and Checkpointing.Hosting only through their packages as native AOT (warnings as errors), runs it twice
/// plus once under the generic host, and installs the ckpt tool from the same folder. The files the packaged program wrote are then read back with the library under test.
/// </summary>
public sealed class PackagingTests(ITestOutputHelper output)
{
    [Fact]
    public async Task TryPackages_ScratchProjectAndTool_RestoreFromLocalPackagesAndWork()
    {
        using var temp = new TempRoot();
        var work = temp.NewRoot("try-packages");

        var run = await BashScript.RunAsync(Path.Combine("eng", "try-packages.sh"), [work], TimeSpan.FromMinutes(15), new Dictionary<string, string> { ["NO_COLOR"] = "1" });
        output.WriteLine($"eng/try-packages.sh took {run.Elapsed.TotalSeconds:F0} s, exit {run.ExitCode}:{Environment.NewLine}{run.Output}");
        Assert.True(run.ExitCode == 0, $"eng/try-packages.sh failed with exit code {run.ExitCode}:{Environment.NewLine}{run.Output}");

        var packages = Directory.GetFiles(Path.Combine(work, "packages"), "*.nupkg").Select(Path.GetFileName).ToArray();
        foreach (var id in new[] { "Checkpointing", "Checkpointing.Hosting", "Checkpointing.Cli" })
        {
            Assert.Contains(packages, p => p!.StartsWith(id + ".0.", StringComparison.Ordinal));
        }

        // Native AOT: the published program is an ELF executable, not a managed assembly.
        var program = await File.ReadAllBytesAsync(Path.Combine(work, "app", "Consumer"));
        Assert.Equal("\u007fELF"u8.ToArray(), program[..4]);

        Assert.Contains("resumed=False start=0 total=6 latest=3", run.Output, StringComparison.Ordinal);
        Assert.Contains("resumed=True start=3 total=21 latest=6", run.Output, StringComparison.Ordinal);
        Assert.Contains("hosted status=Completed step=4 total=10 kept=2", run.Output, StringComparison.Ordinal);
        Assert.Contains("smoke/consumer", run.Output, StringComparison.Ordinal);
        Assert.Contains("smoke/hosted", run.Output, StringComparison.Ordinal);
        Assert.Contains("7 checkpoint(s) in 2 run(s) checked: 7 valid, 0 damaged.", run.Output, StringComparison.Ordinal);

        using var reader = new CheckpointManager("smoke", "consumer", new CheckpointOptions
        {
            RootDirectory = Path.Combine(work, "checkpoints"),
            ReadOnly = true,
            Serializer = new JsonCheckpointSerializer(PackagingJson.Default),
        });
        Assert.Equal([2L, 3, 4, 5, 6], reader.List().Select(c => c.Step));
        var latest = reader.LoadLatest<ConsumerCounter>();
        Assert.NotNull(latest);
        Assert.Equal(21, latest.State.Total);
        Assert.Equal(21, latest.Metadata.Metrics["total"]);
    }
}
