using System.Text;
using System.Text.Json;
using Checkpointing.Cli.Runs;

namespace Checkpointing.Cli.Tests;

/// <summary>
/// <c>ckpt list</c> on a run whose newest checkpoint has more binary data than list reads: damage to its footer or state is
/// still reported, damage deep in its binary section is left to <c>ckpt verify</c>, and list says so.
/// </summary>
public sealed class ListLargeRunTests : IDisposable
{
    private const string Marker = "state-marker-0123456789";
    private readonly string _root = Path.Combine(Path.GetTempPath(), "ckpt-cli-large-" + Guid.NewGuid().ToString("N"));
    private readonly string _newest;
    private readonly long _binaryBytes;

    public ListLargeRunTests()
    {
        using var manager = new CheckpointManager("training", "big", new CheckpointOptions { RootDirectory = _root, KeepLastN = null, Compression = CheckpointCompression.None });
        manager.Save(new TrainState(1, []), 1, totalSteps: 10, sections: new BinarySections { { "weights", new float[16] } });
        var weights = new float[(RunSummarizer.BinaryChecksumBudget + (1 << 20)) / sizeof(float)];
        var saved = manager.Save(new LargeState(Marker), 2, totalSteps: 10, sections: new BinarySections { { "weights", weights } });
        _newest = saved.FilePath;
        _binaryBytes = saved.Sections.Sum(s => s.StoredBytes);
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void List_LargeBinarySection_SaysItWasNotVerifiedAndVerifyChecksIt()
    {
        var (result, json) = CkptProcess.RunJson("list", "--root", _root);

        Assert.True(result.ExitCode == 0, result.ToString());
        var run = Assert.Single(json.GetProperty("runs").EnumerateArray());
        Assert.Equal(2, run.GetProperty("latestStep").GetInt64());
        Assert.Equal(RunSummarizer.BinarySectionsNotReadCheck, run.GetProperty("newestCheck").GetString());
        Assert.Equal(_binaryBytes, run.GetProperty("binaryBytesNotVerified").GetInt64());

        var text = CkptProcess.Run("list", "--root", _root);
        Assert.Contains("2 valid, 65.0 MiB unverified", text.Stdout.Replace("\n", string.Empty, StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.Contains("'ckpt verify training/big' checks every chunk", text.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void List_DamageDeepInALargeBinarySection_IsLeftToVerify()
    {
        Flip(new FileInfo(_newest).Length / 2);

        var (result, json) = CkptProcess.RunJson("list", "--root", _root);
        var verify = CkptProcess.Run("verify", "training/big", "--root", _root);

        Assert.True(result.ExitCode == 0, result.ToString());
        var run = Assert.Single(json.GetProperty("runs").EnumerateArray());
        Assert.Equal(2, run.GetProperty("latestStep").GetInt64());
        Assert.Equal(0, run.GetProperty("damaged").GetArrayLength());
        Assert.True(verify.ExitCode == 1, verify.ToString());
        Assert.Contains($"DAMAGED training/big/{Path.GetFileName(_newest)}", verify.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void List_DamagedStateOfALargeCheckpoint_ReportsItAndTheStepResumeWouldUse()
    {
        var bytes = File.ReadAllBytes(_newest);
        var at = bytes.AsSpan().IndexOf(Encoding.UTF8.GetBytes(Marker));
        Assert.True(at > 0, "the state is stored uncompressed");
        Flip(at + 3);

        AssertNewestReportedDamaged();
    }

    [Fact]
    public void List_DamagedFooterOfALargeCheckpoint_ReportsItAndTheStepResumeWouldUse()
    {
        Flip(new FileInfo(_newest).Length - 40);

        AssertNewestReportedDamaged();
    }

    private void AssertNewestReportedDamaged()
    {
        var (result, json) = CkptProcess.RunJson("list", "--root", _root);

        Assert.True(result.ExitCode == 0, result.ToString());
        var run = Assert.Single(json.GetProperty("runs").EnumerateArray());
        Assert.Equal(1, run.GetProperty("latestStep").GetInt64());
        Assert.Equal(1, run.GetProperty("validCount").GetInt32());
        Assert.Equal(RunSummarizer.FullCheck, run.GetProperty("newestCheck").GetString());
        Assert.Equal(JsonValueKind.Null, run.GetProperty("binaryBytesNotVerified").ValueKind);
        var damaged = Assert.Single(run.GetProperty("damaged").EnumerateArray());
        Assert.Equal(Path.GetFileName(_newest), damaged.GetProperty("fileName").GetString());
    }

    private void Flip(long offset)
    {
        using var file = new FileStream(_newest, FileMode.Open, FileAccess.ReadWrite);
        file.Position = offset;
        var value = file.ReadByte();
        file.Position = offset;
        file.WriteByte((byte)(value ^ 0x5A));
    }

    private sealed record LargeState(string Marker);
}
