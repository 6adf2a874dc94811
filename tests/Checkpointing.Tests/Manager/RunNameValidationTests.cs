namespace Checkpointing.Tests.Manager;

public sealed class RunNameValidationTests : IDisposable
{
    private const string Allowed = "1 to 100 letters, digits, '-', '_' or '.', not starting with '.'";

    private readonly TempRoot _root = new();

    public void Dispose() => _root.Dispose();

    public static TheoryData<string?> InvalidNames() => new()
    {
        null,
        string.Empty,
        ".",
        "..",
        ".hidden",
        "a/b",
        "a\\b",
        "/abs",
        "a\0b",
        "a\nb",
        "\t",
        "bell\u0007",
        "del\u007F",
        "a b",
        "é",
        "a:b",
        "a*b",
        new string('x', 101),
    };

    [Theory]
    [MemberData(nameof(InvalidNames))]
    public void Constructor_InvalidProcessType_ThrowsArgumentExceptionSayingWhatIsAllowed(string? value)
    {
        var ex = Assert.Throws<ArgumentException>(() => new CheckpointManager(value!, "run", _root.Options()));

        Assert.Equal("processType", ex.ParamName);
        Assert.Contains(Allowed, ex.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFileSystemEntries(_root.Path));
    }

    [Theory]
    [MemberData(nameof(InvalidNames))]
    public void Constructor_InvalidName_ThrowsArgumentExceptionSayingWhatIsAllowed(string? value)
    {
        var ex = Assert.Throws<ArgumentException>(() => new CheckpointManager("training", value!, _root.Options()));

        Assert.Equal("name", ex.ParamName);
        Assert.Contains(Allowed, ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\0', ex.Message);
        Assert.DoesNotContain('\n', ex.Message.Replace(Environment.NewLine, " ", StringComparison.Ordinal));
        Assert.Empty(Directory.EnumerateFileSystemEntries(_root.Path));
    }

    public static TheoryData<string, string> NamesAndProblems() => new()
    {
        { "a/b", "path separator '/'" },
        { "a\\b", "path separator '\\'" },
        { "a\0b", "control character U+0000" },
        { "..", "starts with '.'" },
        { string.Empty, "must not be empty" },
        { new string('n', 101), "101 characters long" },
    };

    [Theory]
    [MemberData(nameof(NamesAndProblems))]
    public void Constructor_InvalidName_MessageSaysWhatIsWrong(string name, string expected)
    {
        var ex = Assert.Throws<ArgumentException>(() => new CheckpointManager("training", name, _root.Options()));

        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("a")]
    [InlineData("0")]
    [InlineData("my_experiment")]
    [InlineData("exp-1_v2.final")]
    [InlineData("A.B.C")]
    [InlineData("trailing.")]
    public void Constructor_ValidNames_CreatesRunDirectoryUnderRoot(string value)
    {
        using var manager = new CheckpointManager(value, value, _root.Options());

        Assert.Equal(Path.Combine(_root.Path, value, value), manager.RunDirectory);
        Assert.True(Directory.Exists(manager.RunDirectory));
        Assert.Equal(value, manager.ProcessType);
        Assert.Equal(value, manager.Name);
    }

    [Fact]
    public void Constructor_NameOfExactlyMaximumLength_IsAccepted()
    {
        var name = new string('n', 100);

        using var manager = new CheckpointManager("training", name, _root.Options());

        Assert.EndsWith(name, manager.RunDirectory, StringComparison.Ordinal);
    }
}
