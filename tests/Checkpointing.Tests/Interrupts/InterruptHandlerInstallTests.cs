using Checkpointing.Interrupts;

namespace Checkpointing.Tests.Interrupts;

/// <summary>
/// <see cref="InterruptHandler.Install"/> registers real signal handlers and is once per process, so
/// these are the only unit tests that call it (xUnit runs one class's tests one at a time).
/// </summary>
public sealed class InterruptHandlerInstallTests
{
    [Fact]
    public void Install_WhileAnotherIsInstalled_ThrowsClearInvalidOperation()
    {
        using var first = InterruptHandler.Install(new InterruptOptions { Output = TextWriter.Null });

        var error = Assert.Throws<InvalidOperationException>(() => InterruptHandler.Install(new InterruptOptions { Output = TextWriter.Null }));

        Assert.Contains("already installed", error.Message, StringComparison.Ordinal);
        Assert.Contains("dispose it", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Install_AfterDispose_Succeeds()
    {
        var first = InterruptHandler.Install(new InterruptOptions { Output = TextWriter.Null });
        first.Dispose();
        first.Dispose();

        using var second = InterruptHandler.Install(new InterruptOptions { Output = TextWriter.Null });

        Assert.False(second.StopRequested);
    }

    [Fact]
    public void Install_Defaults_UsesFinishModeAndThirtySecondGrace()
    {
        using var handler = InterruptHandler.Install();

        Assert.Equal(InterruptMode.FinishCurrentUnit, handler.Mode);
        Assert.Equal(TimeSpan.FromSeconds(30), handler.GracePeriod);
        Assert.Equal(0, handler.ExitCode);
    }

    public static TheoryData<string, Action<InterruptOptions>> InvalidOptions => new()
    {
        { "GracePeriod", o => o.GracePeriod = TimeSpan.Zero },
        { "GracePeriod", o => o.GracePeriod = TimeSpan.FromSeconds(-1) },
        { "Mode", o => o.Mode = (InterruptMode)7 },
        { "UnitName", o => o.UnitName = " " },
    };

    [Theory]
    [MemberData(nameof(InvalidOptions))]
    public void Install_InvalidOption_ThrowsNamingItAndInstallsNothing(string property, Action<InterruptOptions> configure)
    {
        var options = new InterruptOptions { Output = TextWriter.Null };
        configure(options);

        var error = Assert.Throws<ArgumentException>(() => InterruptHandler.Install(options));

        Assert.Contains("InterruptOptions." + property, error.Message, StringComparison.Ordinal);
        using var handler = InterruptHandler.Install(new InterruptOptions { Output = TextWriter.Null });
    }
}
