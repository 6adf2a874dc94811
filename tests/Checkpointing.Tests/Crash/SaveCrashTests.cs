using Checkpointing.Storage;
using Xunit.Abstractions;

namespace Checkpointing.Tests.Crash;

/// <summary>
/// Issue 2, "Tests that prove it": a power cut after every primitive operation of a save, for
/// payload sizes around block boundaries, never leaves anything but the old or the new checkpoint,
/// and the new one whenever Save had returned. The broken protocol variants prove the harness can fail.
/// </summary>
public sealed class SaveCrashTests(ITestOutputHelper output)
{
    private const int RandomOutcomesPerCrashPoint = 16;

    public static TheoryData<int> PayloadSizes => [0, 1, 4095, 4096, 4097, 64 << 10, (1 << 20) + 1];

    [Theory]
    [MemberData(nameof(PayloadSizes))]
    public void Save_CrashAfterEveryOperation_LoadsExactlyOldOrNewCheckpoint(int payloadSize)
    {
        var report = SaveCrashHarness.Run(payloadSize, LocalStoreFaults.None, RandomOutcomesPerCrashPoint);
        output.WriteLine(report.Summary);

        Assert.True(report.OperationsPerSave >= 6, $"A save of {payloadSize} bytes took only {report.OperationsPerSave} operations; the harness is not seeing the store's calls.");
        Assert.True(report.LoadedOld > 0 && report.LoadedNew > 0, $"The enumeration never reached both sides of the commit point: {report.Summary}");
        Assert.True(report.Violations.Count == 0, report.Summary + Environment.NewLine + string.Join(Environment.NewLine, report.Violations.Take(20)));
    }

    [Theory]
    [InlineData(nameof(LocalStoreFaults.SkipFileSync))]
    [InlineData(nameof(LocalStoreFaults.SkipDirectorySync))]
    [InlineData(nameof(LocalStoreFaults.WriteInPlace))]
    public void Save_WithBrokenPublishProtocol_CrashEnumerationFindsViolations(string fault)
    {
        var faults = Enum.Parse<LocalStoreFaults>(fault);
        foreach (var payloadSize in PayloadSizes)
        {
            var report = SaveCrashHarness.Run(payloadSize, faults, RandomOutcomesPerCrashPoint);
            output.WriteLine(report.Summary);
            if (report.Violations.Count > 0)
            {
                output.WriteLine("  e.g. " + report.Violations[0]);
            }

            Assert.True(report.Violations.Count > 0, $"The crash enumeration accepted the broken variant {faults}: {report.Summary}");
        }
    }
}
