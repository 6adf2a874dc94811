namespace Checkpointing.ProcessTests;

/// <summary>The strace log reader the injection tests count calls with: a call split by another thread's must not be lost.</summary>
public sealed class StraceLogTests
{
    [Fact]
    public void Lines_CallSplitByAnotherThread_IsJoinedBackInPlaceOfItsEnd()
    {
        using var temp = new TempRoot();
        var log = Path.Combine(temp.Path, "split.strace");
        File.WriteAllLines(log,
        [
            "100 fsync(5</a/b.tmp-1> <unfinished ...>",
            "101 openat(AT_FDCWD, \"/x\", O_RDONLY) = 3",
            "100 <... fsync resumed>) = -1 ENOSPC (No space left on device) (INJECTED)",
            "100 renameat2(AT_FDCWD, \"/a\", AT_FDCWD, \"/b\", RENAME_NOREPLACE) = 0",
        ]);

        Assert.Equal(
            [
                "101 openat(AT_FDCWD, \"/x\", O_RDONLY) = 3",
                "100 fsync(5</a/b.tmp-1>) = -1 ENOSPC (No space left on device) (INJECTED)",
                "100 renameat2(AT_FDCWD, \"/a\", AT_FDCWD, \"/b\", RENAME_NOREPLACE) = 0",
            ],
            StraceLog.Lines(log));
    }
}
