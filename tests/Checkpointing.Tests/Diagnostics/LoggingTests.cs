using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace Checkpointing.Tests.Diagnostics;

/// <summary>The manager's log events, by id, as an operator filtering on them would see them (<see cref="FakeLogger"/>).</summary>
public sealed class LoggingTests : IDisposable
{
    private readonly TelemetryRun _run = new();
    private readonly FakeLogCollector _logs = new();
    private readonly ILoggerFactory _loggerFactory;

    public LoggingTests()
    {
        _loggerFactory = LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Trace).AddProvider(new FakeLoggerProvider(_logs)));
    }

    public void Dispose()
    {
        _loggerFactory.Dispose();
        _run.Dispose();
    }

    [Fact]
    public void Save_LogsSavedWithIdStepAndBytes()
    {
        using var manager = _run.Open(o => o.LoggerFactory = _loggerFactory);
        var saved = manager.Save(new TelemetryState("s", 3), step: 3);

        var record = Assert.Single(_logs.GetSnapshot(), r => r.Id.Id == 1);
        Assert.Equal(LogLevel.Information, record.Level);
        Assert.Equal("Saved", record.Id.Name);
        Assert.Equal(typeof(CheckpointManager).FullName, record.Category);
        Assert.Contains(saved.Id, record.Message, StringComparison.Ordinal);
        Assert.Equal(saved.StoredBytes.ToString(System.Globalization.CultureInfo.InvariantCulture), record.GetStructuredStateValue("StoredBytes"));
    }

    [Fact]
    public void LoadLatest_NewestDamaged_LogsSkipThenFallbackThenLoaded()
    {
        var (older, newer) = _run.SaveTwoAndDamageNewest();
        using var manager = _run.Open(o => o.LoggerFactory = _loggerFactory);

        manager.LoadLatest<TelemetryState>();

        var records = _logs.GetSnapshot().Where(r => r.Id.Id is 2 or 3 or 13).ToList();
        Assert.Equal([2, 3, 13], records.Select(r => r.Id.Id));
        Assert.Equal([LogLevel.Warning, LogLevel.Warning, LogLevel.Information], records.Select(r => r.Level));
        Assert.Equal(Path.GetFileName(newer.FilePath), records[0].GetStructuredStateValue("FileName"));
        Assert.Equal(older.Id, records[1].GetStructuredStateValue("CheckpointId"));
        Assert.Equal("1", records[1].GetStructuredStateValue("SkippedCount"));
        Assert.Equal(older.Id, records[2].GetStructuredStateValue("CheckpointId"));
        Assert.Equal("1", records[2].GetStructuredStateValue("Step"));
    }

    [Fact]
    public void LoadLatest_EmptyRun_LogsNothingToLoad()
    {
        using var manager = _run.Open(o => o.LoggerFactory = _loggerFactory);

        Assert.Null(manager.LoadLatest<TelemetryState>());

        var record = Assert.Single(_logs.GetSnapshot(), r => r.Id.Id == 14);
        Assert.Contains(manager.RunDirectory, record.Message, StringComparison.Ordinal);
    }
}
