using System.Runtime.InteropServices;
using Checkpointing.Interrupts;

namespace Checkpointing.Tests.Interrupts;

/// <summary>
/// The handler's behaviour on signals, driven through <see cref="InterruptHandler.Request"/> on an
/// instance that registers no real signals and exits into a recorder instead of ending the test host.
/// Real signals are covered by the process tests.
/// </summary>
public sealed class InterruptHandlerTests
{
    private readonly ExitRecorder _exit = new();
    private readonly StringWriter _output = new();
    private readonly CapturingLoggerFactory _logs = new();

    [Fact]
    public void Properties_NoSignal_ReportNothingRequested()
    {
        using var handler = Create();

        Assert.False(handler.StopRequested);
        Assert.False(handler.StopToken.IsCancellationRequested);
        Assert.Null(handler.Signal);
        Assert.Equal(0, handler.ExitCode);
        Assert.Empty(_output.ToString());
    }

    [Theory]
    [InlineData(PosixSignal.SIGINT, 130)]
    [InlineData(PosixSignal.SIGTERM, 143)]
    [InlineData(PosixSignal.SIGHUP, 129)]
    public void Request_FirstSignal_CancelsStopTokenAndSetsConventionalExitCode(PosixSignal signal, int exitCode)
    {
        using var handler = Create();
        var callbackRan = false;
        handler.StopToken.Register(() => callbackRan = true);

        handler.Request(signal);

        Assert.True(handler.StopRequested);
        Assert.True(handler.StopToken.IsCancellationRequested);
        Assert.True(callbackRan);
        Assert.Equal(signal, handler.Signal);
        Assert.Equal(exitCode, handler.ExitCode);
        Assert.Equal(exitCode, InterruptHandler.ExitCodeFor(signal));
        Assert.Empty(_exit.Codes);
        Assert.Contains(_logs.Entries, e => e.Id.Id == 150);
    }

    [Fact]
    public void Request_SigIntInFinishMode_PrintsOneLineNamingUnitAndSecondCtrlC()
    {
        using var handler = Create(o => o.UnitName = "trial");

        handler.Request(PosixSignal.SIGINT);

        Assert.Equal(
            "Interrupt received (SIGINT): finishing the current trial, then saving. Press Ctrl+C again to exit immediately." + Environment.NewLine,
            _output.ToString());
    }

    [Fact]
    public void Request_SigTermInAbandonMode_SaysAbandoningAndAnotherSignal()
    {
        using var handler = Create(o => o.Mode = InterruptMode.Abandon);

        handler.Request(PosixSignal.SIGTERM);

        Assert.Equal(
            "Interrupt received (SIGTERM): abandoning the current unit of work, then saving. Send another signal to exit immediately." + Environment.NewLine,
            _output.ToString());
    }

    [Fact]
    public void WorkToken_FinishCurrentUnit_IsNeverCancelled()
    {
        using var handler = Create();

        handler.Request(PosixSignal.SIGINT);

        Assert.False(handler.WorkToken.CanBeCanceled);
        Assert.False(handler.WorkToken.IsCancellationRequested);
    }

    [Fact]
    public void WorkToken_Abandon_IsCancelledWithTheFirstSignal()
    {
        using var handler = Create(o => o.Mode = InterruptMode.Abandon);
        Assert.False(handler.WorkToken.IsCancellationRequested);

        handler.Request(PosixSignal.SIGTERM);

        Assert.True(handler.WorkToken.IsCancellationRequested);
        Assert.Equal(handler.StopToken, handler.WorkToken);
    }

    [Theory]
    [InlineData(PosixSignal.SIGINT, PosixSignal.SIGINT, 130)]
    [InlineData(PosixSignal.SIGTERM, PosixSignal.SIGINT, 130)]
    [InlineData(PosixSignal.SIGINT, PosixSignal.SIGTERM, 143)]
    public void Request_SecondSignal_ExitsAtOnceWithTheSecondSignalsCode(PosixSignal first, PosixSignal second, int exitCode)
    {
        using var handler = Create();

        handler.Request(first);
        Assert.Empty(_exit.Codes);
        handler.Request(second);

        Assert.Equal([exitCode], _exit.Codes);
        Assert.Equal(first, handler.Signal);
        var lines = _output.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        Assert.StartsWith($"Second interrupt ({second}): exiting now with code {exitCode}", lines[1], StringComparison.Ordinal);
        Assert.Contains(_logs.Entries, e => e.Id.Id == 153);
    }

    [Fact]
    public void Request_SecondSignalWithExitOnSecondSignalOff_IsIgnored()
    {
        using var handler = Create(o => o.ExitOnSecondSignal = false);

        handler.Request(PosixSignal.SIGINT);
        handler.Request(PosixSignal.SIGTERM);
        handler.Request(PosixSignal.SIGINT);

        Assert.Empty(_exit.Codes);
        Assert.Equal(PosixSignal.SIGINT, handler.Signal);
        Assert.Equal(130, handler.ExitCode);
        Assert.DoesNotContain("again", _output.ToString(), StringComparison.Ordinal);
        Assert.Equal(2, _logs.Entries.Count(e => e.Id.Id == 152));
    }

    [Fact]
    public void Request_SignalThatIsNotHandled_Throws()
    {
        using var handler = Create();

        Assert.Throws<ArgumentOutOfRangeException>(() => handler.Request(PosixSignal.SIGQUIT));
        Assert.False(handler.StopRequested);
    }

    [Fact]
    public void Request_AfterDispose_Throws()
    {
        var handler = Create();
        handler.Dispose();

        Assert.Throws<ObjectDisposedException>(() => handler.Request(PosixSignal.SIGINT));
    }

    [Fact]
    public void Request_StopCallbackThrows_StopIsStillRequestedAndErrorLogged()
    {
        using var handler = Create();
        handler.StopToken.Register(() => throw new InvalidOperationException("callback failed"));

        handler.Request(PosixSignal.SIGTERM);

        Assert.True(handler.StopRequested);
        Assert.Equal(143, handler.ExitCode);
        Assert.Contains(_logs.Entries, e => e.Id.Id == 151);
    }

    [Fact]
    public void Request_ConcurrentSignals_ExactlyOneStopsAndTheRestExit()
    {
        using var handler = Create();
        using var start = new Barrier(4);

        var threads = Enumerable.Range(0, 4).Select(_ => new Thread(() =>
        {
            start.SignalAndWait();
            handler.Request(PosixSignal.SIGTERM);
        })).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());

        Assert.True(handler.StopRequested);
        Assert.Equal([143, 143, 143], _exit.Codes);
        Assert.Single(_logs.Entries, e => e.Id.Id == 150);
    }

    [Fact]
    public void RecordSaveDuration_WithinGracePeriod_DoesNotWarn()
    {
        using var handler = Create(o => o.GracePeriod = TimeSpan.FromSeconds(10));

        handler.RecordSaveDuration(TimeSpan.FromSeconds(2));
        handler.RecordSaveDuration(TimeSpan.FromSeconds(10));
        handler.RecordSaveDuration(TimeSpan.FromSeconds(1));

        Assert.Equal(TimeSpan.FromSeconds(10), handler.LongestSaveDuration);
        Assert.Empty(_output.ToString());
        Assert.DoesNotContain(_logs.Entries, e => e.Id.Id == 154);
    }

    [Fact]
    public void RecordSaveDuration_BeyondGracePeriod_WarnsOncePerNewWorstCase()
    {
        using var handler = Create(o => o.GracePeriod = TimeSpan.FromSeconds(10));

        handler.RecordSaveDuration(TimeSpan.FromSeconds(12));
        handler.RecordSaveDuration(TimeSpan.FromSeconds(11));
        handler.RecordSaveDuration(TimeSpan.FromSeconds(12));
        handler.RecordSaveDuration(TimeSpan.FromSeconds(15));

        var warnings = _output.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, warnings.Length);
        Assert.StartsWith("Warning: a final checkpoint could take 12.0 s (a save of up to 12.0 s), more than the 10.0 s grace period", warnings[0], StringComparison.Ordinal);
        Assert.StartsWith("Warning: a final checkpoint could take 15.0 s", warnings[1], StringComparison.Ordinal);
        Assert.Equal(2, _logs.Entries.Count(e => e.Id.Id == 154 && e.Level == Microsoft.Extensions.Logging.LogLevel.Warning));
    }

    [Fact]
    public void RecordUnitDuration_FinishMode_CountsTowardTheGracePeriod()
    {
        using var handler = Create(o =>
        {
            o.GracePeriod = TimeSpan.FromSeconds(10);
            o.UnitName = "trial";
        });

        handler.RecordUnitDuration(TimeSpan.FromSeconds(8));
        Assert.Empty(_output.ToString());
        handler.RecordSaveDuration(TimeSpan.FromSeconds(3));

        Assert.Equal(TimeSpan.FromSeconds(11), handler.WorstCaseStopTime);
        Assert.Contains("could take 11.0 s (a save of up to 3.0 s after finishing a trial of up to 8.0 s)", _output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void RecordUnitDuration_AbandonMode_DoesNotCount()
    {
        using var handler = Create(o =>
        {
            o.GracePeriod = TimeSpan.FromSeconds(10);
            o.Mode = InterruptMode.Abandon;
        });

        handler.RecordUnitDuration(TimeSpan.FromSeconds(60));
        handler.RecordSaveDuration(TimeSpan.FromSeconds(3));

        Assert.Equal(TimeSpan.FromSeconds(60), handler.LongestUnitDuration);
        Assert.Equal(TimeSpan.FromSeconds(3), handler.WorstCaseStopTime);
        Assert.Empty(_output.ToString());
    }

    [Fact]
    public void RecordSaveDuration_GracePeriodOff_NeverWarns()
    {
        using var handler = Create(o => o.GracePeriod = null);

        handler.RecordSaveDuration(TimeSpan.FromHours(1));

        Assert.Empty(_output.ToString());
        Assert.Null(handler.GracePeriod);
    }

    [Fact]
    public void RecordDurations_Negative_Throw()
    {
        using var handler = Create();

        Assert.Throws<ArgumentOutOfRangeException>(() => handler.RecordSaveDuration(TimeSpan.FromTicks(-1)));
        Assert.Throws<ArgumentOutOfRangeException>(() => handler.RecordUnitDuration(TimeSpan.FromTicks(-1)));
    }

    [Fact]
    public void GracePeriod_Default_IsKubernetesThirtySeconds()
    {
        Assert.Equal(TimeSpan.FromSeconds(30), new InterruptOptions().GracePeriod);
        Assert.Equal(InterruptMode.FinishCurrentUnit, new InterruptOptions().Mode);
        Assert.True(new InterruptOptions().ExitOnSecondSignal);
    }

    private InterruptHandler Create(Action<InterruptOptions>? configure = null)
    {
        var options = new InterruptOptions { Output = _output, LoggerFactory = _logs };
        configure?.Invoke(options);
        InterruptHandler.Validate(options);
        return new InterruptHandler(options, _exit.Exit);
    }
}
