using System.Diagnostics;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Checkpointing.Tests.Diagnostics;

/// <summary>Metrics and traces reach OpenTelemetry with nothing but the names in <see cref="CheckpointingTelemetry"/>.</summary>
public sealed class OpenTelemetryTests : IDisposable
{
    private readonly TelemetryRun _run = new();

    public void Dispose() => _run.Dispose();

    [Fact]
    public void SaveAndLoad_WithOnlyAddMeterAndAddSource_ReachTheInMemoryExporters()
    {
        var metrics = new List<MetricSnapshot>();
        var spans = new List<Activity>();
        CheckpointMetadata saved;
        using (var meterProvider = Sdk.CreateMeterProviderBuilder().AddMeter(CheckpointingTelemetry.MeterName).AddInMemoryExporter(metrics).Build())
        using (var tracerProvider = Sdk.CreateTracerProviderBuilder().AddSource(CheckpointingTelemetry.ActivitySourceName).AddInMemoryExporter(spans).Build())
        {
            // The default: the shared static meter, no meter factory.
            using (var manager = new CheckpointManager(TelemetryRun.ProcessType, _run.Name, _run.Options(o => o.MeterFactory = null)))
            {
                saved = manager.Save(new TelemetryState("otel", 2), step: 2, totalSteps: 8);
                manager.LoadLatest<TelemetryState>();
                meterProvider.ForceFlush();
            }

            // What the flush exported; disposing the provider exports once more.
            metrics = [.. metrics];

            tracerProvider.ForceFlush();
        }

        Assert.Equal(2L, MyPoints(metrics, "checkpointing.run.step").Single().GetGaugeLastValueLong());
        Assert.Equal(0.25, MyPoints(metrics, "checkpointing.run.progress").Single().GetGaugeLastValueDouble());
        Assert.Equal(saved.StoredBytes, MyPoints(metrics, "checkpointing.save.bytes").Single().GetSumLong());
        var saveDuration = MyPoints(metrics, "checkpointing.save.duration").Single();
        Assert.Equal(1, saveDuration.GetHistogramCount());
        Assert.Contains(600.0, HistogramBounds(saveDuration));
        Assert.Equal(1, MyPoints(metrics, "checkpointing.load.duration").Single().GetHistogramCount());
        var unit = metrics.First(m => m.Name == "checkpointing.save.duration").Unit;
        Assert.Equal("s", unit);

        var mine = spans.Where(a => Equals(a.GetTagItem("checkpointing.run"), _run.Name)).Select(a => a.OperationName).Order().ToList();
        Assert.Equal(["checkpointing.load", "checkpointing.recover", "checkpointing.save"], mine);
    }

    private List<MetricPoint> MyPoints(List<MetricSnapshot> metrics, string name)
    {
        var points = new List<MetricPoint>();
        foreach (var metric in metrics.Where(m => m.Name == name && m.MeterName == CheckpointingTelemetry.MeterName))
        {
            foreach (var point in metric.MetricPoints)
            {
                foreach (var tag in point.Tags)
                {
                    if (tag.Key == "checkpointing.run" && Equals(tag.Value, _run.Name))
                    {
                        points.Add(point);
                    }
                }
            }
        }

        return points;
    }

    private static List<double> HistogramBounds(MetricPoint point)
    {
        var bounds = new List<double>();
        foreach (var bucket in point.GetHistogramBuckets())
        {
            bounds.Add(bucket.ExplicitBound);
        }

        return bounds;
    }
}
