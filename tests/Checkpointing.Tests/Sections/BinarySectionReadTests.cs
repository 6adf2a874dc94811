namespace Checkpointing.Tests.Sections;

/// <summary>The ways to read a loaded section, what each checks, and how sections are found by name.</summary>
public sealed class BinarySectionReadTests : IDisposable
{
    private readonly SectionRun _run = new();
    private readonly double[] _doubles = SectionData.Doubles((SectionData.SeveralChunks / 8) + 3, 31);
    private readonly byte[] _stream16 = SectionData.Bytes(16, 32);
    private readonly byte[] _stream12 = SectionData.Bytes(12, 33);
    private readonly CheckpointManager _manager;
    private readonly Checkpoint<SectionState> _loaded;

    public BinarySectionReadTests()
    {
        _manager = _run.Open();
        _manager.Save(new SectionState(1, "read", []), step: 1, sections: new BinarySections
        {
            { "w", _doubles },
            { "s16", new MemoryStream(_stream16) },
            { "s12", new MemoryStream(_stream12) },
            { "empty", Array.Empty<int>() },
        });
        _loaded = _manager.LoadLatest<SectionState>()!;
    }

    public void Dispose()
    {
        _manager.Dispose();
        _run.Dispose();
    }

    [Fact]
    public void ReadInto_DestinationOfExactLength_FillsIt()
    {
        var destination = new double[_doubles.Length];

        _loaded.Sections["w"].ReadInto<double>(destination);

        Assert.Equal(_doubles, destination);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(1)]
    public void ReadInto_DestinationOfOtherLength_ThrowsArgumentExceptionNamingTheLength(int difference)
    {
        var destination = new double[_doubles.Length + difference];

        var ex = Assert.Throws<ArgumentException>(() => _loaded.Sections["w"].ReadInto<double>(destination));

        Assert.Contains(_doubles.Length.ToString(System.Globalization.CultureInfo.InvariantCulture), ex.Message, StringComparison.Ordinal);
        Assert.Contains("GetLength", ex.Message, StringComparison.Ordinal);
        Assert.All(destination, d => Assert.Equal(0.0, d));
    }

    [Fact]
    public void ReadArray_WrongElementType_ThrowsSerializationExceptionNamingBothTypes()
    {
        var section = _loaded.Sections["w"];

        var asFloat = Assert.Throws<CheckpointSerializationException>(() => section.ReadArray<float>());
        Assert.Throws<CheckpointSerializationException>(() => section.ReadArray<long>());
        Assert.Throws<CheckpointSerializationException>(() => section.GetLength<int>());
        Assert.Throws<CheckpointSerializationException>(() => section.ReadInto<float>(new float[_doubles.Length * 2]));
        Assert.Throws<CheckpointSerializationException>(() => section.ReadArray<Particle>());

        Assert.Contains("float64", asFloat.Message, StringComparison.Ordinal);
        Assert.Contains("Single", asFloat.Message, StringComparison.Ordinal);
        Assert.Contains(_loaded.Metadata.Id, asFloat.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadArray_AsBytes_ReturnsTheLittleEndianBytesOfAnyType()
    {
        var section = _loaded.Sections["w"];

        Assert.Equal(_doubles.Length * 8L, section.GetLength<byte>());
        Assert.Equal(SectionData.LittleEndian(_doubles), section.ReadArray<byte>());
    }

    [Fact]
    public void ReadArray_StreamSection_ReadableAsAnyTypeWhoseSizeDividesIt()
    {
        Assert.Equal(2, _loaded.Sections["s16"].GetLength<double>());
        Assert.Equal(
            [BitConverter.ToDouble(_stream16, 0), BitConverter.ToDouble(_stream16, 8)],
            _loaded.Sections["s16"].ReadArray<double>());
        Assert.Equal(3, _loaded.Sections["s12"].ReadArray<int>().Length);
        Assert.Equal(_stream12, _loaded.Sections["s12"].ReadArray<byte>());

        var ex = Assert.Throws<CheckpointSerializationException>(() => _loaded.Sections["s12"].ReadArray<double>());
        Assert.Contains("12 bytes", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadArray_EmptySection_ReturnsEmptyArrayAndOpenReadEndsAtOnce()
    {
        var section = _loaded.Sections["empty"];

        Assert.Empty(section.ReadArray<int>());
        section.ReadInto(Span<int>.Empty);
        using var stream = section.OpenRead();
        Assert.Equal(0, stream.Read(new byte[10]));
        Assert.Equal(0, stream.Length);
    }

    [Fact]
    public async Task ReadAsync_Both_ReturnTheSameAsTheSynchronousReads()
    {
        var section = _loaded.Sections["w"];

        var array = await section.ReadArrayAsync<double>();
        var destination = new double[_doubles.Length];
        await section.ReadIntoAsync<double>(destination);

        Assert.Equal(_doubles, array);
        Assert.Equal(_doubles, destination);
        await Assert.ThrowsAsync<ArgumentException>(() => section.ReadIntoAsync<double>(new double[3]));
        await Assert.ThrowsAsync<CheckpointSerializationException>(() => section.ReadArrayAsync<int>());
    }

    [Fact]
    public void OpenRead_SmallReads_ReturnEveryByteInOrderThenEnd()
    {
        using var stream = _loaded.Sections["w"].OpenRead();
        var expected = SectionData.LittleEndian(_doubles);
        var collected = new MemoryStream();
        var buffer = new byte[4097];
        int n;
        while ((n = stream.Read(buffer, 0, buffer.Length)) > 0)
        {
            collected.Write(buffer, 0, n);
            Assert.Equal(collected.Length, stream.Position);
        }

        Assert.Equal(expected, collected.ToArray());
        Assert.Equal(expected.Length, stream.Length);
        Assert.Equal(0, stream.Read(buffer, 0, buffer.Length));
    }

    [Fact]
    public void OpenRead_Stream_IsReadOnlyAndForwardOnly()
    {
        using var stream = _loaded.Sections["w"].OpenRead();

        Assert.True(stream.CanRead);
        Assert.False(stream.CanSeek);
        Assert.False(stream.CanWrite);
        Assert.Throws<NotSupportedException>(() => stream.Seek(0, SeekOrigin.Begin));
        Assert.Throws<NotSupportedException>(() => stream.Position = 0);
        Assert.Throws<NotSupportedException>(() => stream.Write([1], 0, 1));
        stream.Dispose();
        Assert.Throws<ObjectDisposedException>(() => stream.Read(new byte[1], 0, 1));
    }

    [Fact]
    public void OpenRead_CopyTo_GivesTheSameBytesAsReadArray()
    {
        using var stream = _loaded.Sections["s16"].OpenRead();
        using var copy = new MemoryStream();

        stream.CopyTo(copy);

        Assert.Equal(_stream16, copy.ToArray());
    }

    [Fact]
    public void Indexer_UnknownName_ThrowsNotFoundListingTheSectionsThereAre()
    {
        var ex = Assert.Throws<CheckpointNotFoundException>(() => _loaded.Sections["weights"]);

        Assert.Contains("'weights'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("w, s16, s12, empty", ex.Message, StringComparison.Ordinal);
        Assert.Contains(_loaded.Metadata.Id, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TryGetAndContains_KnownAndUnknownNames_AnswerExactly()
    {
        Assert.True(_loaded.Sections.TryGet("s16", out var found));
        Assert.Equal("s16", found!.Name);
        Assert.False(_loaded.Sections.TryGet("S16", out var missing));
        Assert.Null(missing);
        Assert.True(_loaded.Sections.Contains("empty"));
        Assert.False(_loaded.Sections.Contains("state"));
        Assert.Equal(4, _loaded.Sections.Count);
        Assert.Equal("s12", _loaded.Sections[2].Name);
        Assert.Equal("w (float64, " + (_doubles.Length * 8) + " bytes)", _loaded.Sections["w"].ToString());
    }

    [Fact]
    public void Sections_CheckpointSavedWithout_IsEmptyAndIndexerSaysSo()
    {
        _run.Tick();
        _manager.Save(new SectionState(2, "plain", []), step: 2);
        var plain = _manager.LoadLatest<SectionState>()!;

        Assert.Equal(2, plain.Metadata.Step);
        Assert.Empty(plain.Sections);
        Assert.False(plain.Sections.Contains("w"));
        var ex = Assert.Throws<CheckpointNotFoundException>(() => plain.Sections["w"]);
        Assert.Contains("no binary sections", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Sections_ReadOnlyManager_ReadsTheSameData()
    {
        using var reader = _run.Open(o => o.ReadOnly = true);

        var loaded = reader.LoadLatest<SectionState>()!;

        Assert.Equal(_doubles, loaded.Sections["w"].ReadArray<double>());
        Assert.Equal(_stream16, reader.Load<SectionState>(1L).Sections["s16"].ReadArray<byte>());
    }
}
