using System.Diagnostics.Tracing;

namespace Checkpointing.Fuzz;

/// <summary>
/// Counts the bytes rented from <see cref="System.Buffers.ArrayPool{T}"/> (its BufferRented events). A pooled buffer
/// handed out again allocates nothing, so allocation counters alone would miss a length-driven rent once the pool
/// holds a buffer of that size (the second time an input is replayed in one process, say).
/// </summary>
internal sealed class PoolRentCounter : EventListener
{
    private const int BufferRentedEventId = 1;

    private static readonly Lazy<PoolRentCounter> Instance = new(() => new PoolRentCounter());

    private static long s_rented;
    private static int s_thread;

    private PoolRentCounter()
    {
    }

    /// <summary>Starts counting rents made on the current thread (or on every thread when <paramref name="allThreads"/>).</summary>
    public static void Start(bool allThreads)
    {
        _ = Instance.Value;
        Volatile.Write(ref s_thread, allThreads ? 0 : Environment.CurrentManagedThreadId);
        Interlocked.Exchange(ref s_rented, 0);
    }

    /// <summary>The bytes rented since <see cref="Start"/>.</summary>
    public static long Rented => Interlocked.Read(ref s_rented);

    protected override void OnEventSourceCreated(EventSource eventSource)
    {
        if (eventSource.Name == "System.Buffers.ArrayPoolEventSource")
        {
            EnableEvents(eventSource, EventLevel.Verbose);
        }
    }

    protected override void OnEventWritten(EventWrittenEventArgs eventData)
    {
        var thread = Volatile.Read(ref s_thread);
        if (eventData.EventId == BufferRentedEventId && eventData.Payload is [_, int size, ..]
            && (thread == 0 || thread == Environment.CurrentManagedThreadId))
        {
            Interlocked.Add(ref s_rented, size);
        }
    }
}
