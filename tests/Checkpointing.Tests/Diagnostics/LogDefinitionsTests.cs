using System.Reflection;
using Checkpointing.Diagnostics;
using Microsoft.Extensions.Logging;

namespace Checkpointing.Tests.Diagnostics;

/// <summary>The [LoggerMessage] definitions of <see cref="Log"/>: the one place the library's log events are defined.</summary>
public sealed class LogDefinitionsTests
{
    // The ranges documented on Log.
    private static readonly (int First, int Last)[] Ranges = [(1, 99), (100, 149), (150, 159), (160, 199), (200, 299)];

    private static readonly List<(MethodInfo Method, LoggerMessageAttribute Attribute)> Definitions =
        [.. typeof(Log).GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static)
            .Select(m => (Method: m, Attribute: m.GetCustomAttribute<LoggerMessageAttribute>()!))
            .Where(d => d.Attribute is not null)];

    [Fact]
    public void Log_EventIds_AreUniqueAndInTheDocumentedRanges()
    {
        Assert.True(Definitions.Count >= 40, $"only {Definitions.Count} definitions found");
        var duplicates = Definitions.GroupBy(d => d.Attribute.EventId).Where(g => g.Count() > 1).Select(g => $"{g.Key}: {string.Join(", ", g.Select(d => d.Method.Name))}").ToList();
        Assert.True(duplicates.Count == 0, "Duplicate event ids: " + string.Join("; ", duplicates));
        var outside = Definitions.Where(d => !Ranges.Any(r => d.Attribute.EventId >= r.First && d.Attribute.EventId <= r.Last)).Select(d => d.Method.Name).ToList();
        Assert.True(outside.Count == 0, "Event ids outside the documented ranges: " + string.Join(", ", outside));
    }

    [Fact]
    public void Log_Messages_AreNonEmptyWithLevelAndUniqueNames()
    {
        Assert.All(Definitions, d =>
        {
            Assert.False(string.IsNullOrWhiteSpace(d.Attribute.Message), d.Method.Name);
            Assert.NotEqual(LogLevel.None, d.Attribute.Level);
        });
        Assert.Equal(Definitions.Count, Definitions.Select(d => d.Method.Name).Distinct().Count());
    }
}
