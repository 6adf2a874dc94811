using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Checkpointing.Format;

namespace Checkpointing.Tests.Sections;

/// <summary>What <see cref="BinarySections"/> accepts as names and contents, and what it says when it refuses.</summary>
public sealed class BinarySectionsValidationTests : IDisposable
{
    private readonly SectionRun _run = new();

    public void Dispose() => _run.Dispose();

    [Fact]
    public void Add_EmptyName_ThrowsArgumentException()
    {
        var sections = new BinarySections();

        Assert.ThrowsAny<ArgumentException>(() => sections.Add(string.Empty, new[] { 1.0 }));
        Assert.ThrowsAny<ArgumentException>(() => sections.Add(null!, new[] { 1.0 }));
        Assert.Equal(0, sections.Count);
    }

    [Fact]
    public void Add_NameOfMaxLength_IsAcceptedAndOneMoreIsRefusedWithTheLimit()
    {
        var sections = new BinarySections();
        sections.Add(new string('a', BinarySections.MaxNameLength), new[] { 1 });

        var ex = Assert.Throws<ArgumentException>(() => sections.Add(new string('b', BinarySections.MaxNameLength + 1), new[] { 1 }));

        Assert.Contains("129 characters", ex.Message, StringComparison.Ordinal);
        Assert.Contains("128", ex.Message, StringComparison.Ordinal);
        Assert.Equal(1, sections.Count);
    }

    [Fact]
    public void Add_StateName_ThrowsBecauseItIsReserved()
    {
        var sections = new BinarySections();

        var ex = Assert.Throws<ArgumentException>(() => sections.Add(FormatConstants.StateSectionName, new[] { 1f }));

        Assert.Contains("reserved", ex.Message, StringComparison.Ordinal);
        Assert.Equal(0, sections.Count);
    }

    [Theory]
    [InlineData("a\nb")]
    [InlineData("tab\there")]
    [InlineData("nul\0")]
    [InlineData("\u007f")]
    [InlineData("\u0085next-line")]
    public void Add_NameWithControlCharacters_ThrowsArgumentException(string name)
    {
        var sections = new BinarySections();

        var ex = Assert.Throws<ArgumentException>(() => sections.Add(name, new MemoryStream([1, 2])));

        Assert.Contains("control characters", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Add_DuplicateName_ThrowsWhateverTheContentType()
    {
        var sections = new BinarySections { { "weights", new[] { 1.0 } } };

        var asArray = Assert.Throws<ArgumentException>(() => sections.Add("weights", new[] { 2f }));
        var asMemory = Assert.Throws<ArgumentException>(() => sections.Add("weights", new ReadOnlyMemory<int>([3])));
        var asStream = Assert.Throws<ArgumentException>(() => sections.Add("weights", new MemoryStream([4])));

        Assert.All([asArray, asMemory, asStream], ex => Assert.Contains("already", ex.Message, StringComparison.Ordinal));
        Assert.Equal(1, sections.Count);
    }

    [Fact]
    public void Add_NamesDifferingOnlyInCase_AreDistinctSections()
    {
        using var manager = _run.Open();
        var sections = new BinarySections { { "W", new[] { 1.0 } }, { "w", new[] { 2.0 } } };

        var loaded = manager.Save(new SectionState(1, "case", []), step: 1, sections: sections);

        Assert.Equal([1.0], loaded.Sections["W"].ReadArray<double>());
        Assert.Equal([2.0], loaded.Sections["w"].ReadArray<double>());
    }

    [Fact]
    public void Add_NullOrUnreadableContent_Throws()
    {
        var sections = new BinarySections();
        var closed = new MemoryStream([1, 2, 3]);
        closed.Dispose();

        Assert.Throws<ArgumentNullException>(() => sections.Add("a", (double[])null!));
        Assert.Throws<ArgumentNullException>(() => sections.Add("b", (Stream)null!));
        var ex = Assert.Throws<ArgumentException>(() => sections.Add("c", closed));

        Assert.Contains("cannot be read", ex.Message, StringComparison.Ordinal);
        Assert.Equal(0, sections.Count);
    }

    [Fact]
    public void Add_ElementLargerThanAChunk_ThrowsArgumentException()
    {
        Assert.True(Unsafe.SizeOf<OverChunk>() > FormatConstants.DefaultChunkSize);
        var sections = new BinarySections();

        var ex = Assert.Throws<ArgumentException>(() => sections.Add("huge", ReadOnlyMemory<OverChunk>.Empty));

        Assert.Contains("1 MiB", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void GetEnumerator_Always_ListsNamesInTheOrderAdded()
    {
        var sections = new BinarySections
        {
            { "z", new[] { 1.0 } },
            { "a", new[] { 1 } },
            { "m", new MemoryStream([1]) },
        };

        Assert.Equal(["z", "a", "m"], sections);
        Assert.Equal(3, sections.Count);
    }

    [Fact]
    public void Save_AsManySectionsAsTheFormatHolds_LoadsBack()
    {
        using var manager = _run.Open(o => o.Compression = CheckpointCompression.None);
        var sections = new BinarySections();
        for (var i = 0; i < FormatConstants.MaxSections - 1; i++)
        {
            sections.Add($"s{i}", new[] { i });
        }

        manager.Save(new SectionState(1, "many", []), step: 1, sections: sections);
        var loaded = manager.LoadLatest<SectionState>();

        Assert.NotNull(loaded);
        Assert.Empty(loaded.Skipped);
        Assert.Equal(FormatConstants.MaxSections - 1, loaded.Sections.Count);
        Assert.Equal([4094], loaded.Sections["s4094"].ReadArray<int>());
    }

    [Fact]
    public void Add_MoreSectionsThanTheFormatHolds_ThrowsInsteadOfWritingAnUnloadableCheckpoint()
    {
        var sections = new BinarySections();
        for (var i = 0; i < FormatConstants.MaxSections - 1; i++)
        {
            sections.Add($"s{i}", new[] { i });
        }

        var ex = Assert.Throws<ArgumentException>(() => sections.Add("one-too-many", new[] { 0 }));

        Assert.Contains((FormatConstants.MaxSections - 1).ToString(System.Globalization.CultureInfo.InvariantCulture), ex.Message, StringComparison.Ordinal);
    }

    [StructLayout(LayoutKind.Sequential, Size = (1 << 20) + 8)]
    private struct OverChunk;
}
