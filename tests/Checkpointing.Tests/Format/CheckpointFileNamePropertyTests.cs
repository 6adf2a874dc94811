using Checkpointing.Storage;
using CsCheck;

namespace Checkpointing.Tests.Format;

/// <summary>Checkpoint file names format and parse back exactly, and order by (step, time, discriminator).</summary>
public sealed class CheckpointFileNamePropertyTests
{
    private const int Iterations = 2000;

    private static readonly Gen<long> Step = Gen.OneOf(Gen.Long[0, long.MaxValue], Gen.Long[0, 20]);

    private static readonly Gen<DateTimeOffset> Time = Gen.OneOf(
            Gen.Long[DateTime.MinValue.Ticks, DateTime.MaxValue.Ticks],
            Gen.Long[new DateTime(2026, 1, 1).Ticks, new DateTime(2026, 1, 1).Ticks + (3 * TimeSpan.TicksPerSecond)])
        .Select(ticks => new DateTimeOffset(ticks, TimeSpan.Zero));

    private static readonly Gen<int> Discriminator = Gen.OneOf(Gen.Int[0, 999_999_999], Gen.Int[0, 3]);

    private static readonly Gen<CheckpointFileName> Name =
        Gen.Select(Step, Time, Discriminator).Select((step, time, n) => CheckpointFileName.Create(step, time, n));

    [Fact]
    public void TryParse_FormattedName_ReturnsTheSameName()
    {
        Gen.Select(Step, Time, Discriminator).Sample(
            (step, time, discriminator) =>
            {
                var name = CheckpointFileName.Create(step, time, discriminator);

                Assert.True(CheckpointFileName.TryParse(name.FileName, out var parsed));
                Assert.Equal(name, parsed);
                Assert.Equal(name.Id + ".ckpt", name.FileName);
                Assert.Equal(step, parsed!.Step);
                Assert.Equal(discriminator, parsed.Discriminator);
                Assert.Equal(DateTimeKind.Utc, parsed.TimestampUtc.Kind);
                Assert.Equal(time.UtcDateTime.Ticks - (time.UtcDateTime.Ticks % TimeSpan.TicksPerSecond), parsed.TimestampUtc.Ticks);
                Assert.Equal(discriminator != 0, name.Id.Count(c => c == '_') == 5);
            },
            iter: Iterations);
    }

    [Fact]
    public void CreateWithOffset_AnyTimeZone_NamesInUtc()
    {
        Gen.Select(Time.Where(t => t.Year is > 1 and < 9999), Gen.Int[-14 * 60, 14 * 60]).Sample(
            (time, offsetMinutes) =>
            {
                var local = time.ToOffset(TimeSpan.FromMinutes(offsetMinutes));
                Assert.Equal(CheckpointFileName.Create(1, time, 0), CheckpointFileName.Create(1, local, 0));
            },
            iter: Iterations / 4);
    }

    [Fact]
    public void CompareTo_AnyTwoNames_OrdersByStepThenTimeThenDiscriminator()
    {
        Gen.Select(Name, Name).Sample(
            (a, b) =>
            {
                var expected = (a.Step, a.TimestampUtc, a.Discriminator).CompareTo((b.Step, b.TimestampUtc, b.Discriminator));
                Assert.Equal(Math.Sign(expected), Math.Sign(a.CompareTo(b)));
                Assert.Equal(-Math.Sign(expected), Math.Sign(b.CompareTo(a)));
                Assert.Equal(expected == 0, a == b);
                Assert.Equal(expected == 0, a.FileName == b.FileName);
            },
            iter: Iterations);
    }

    [Fact]
    public void Sort_ListOfNames_MatchesOrdinalSortOfTuples()
    {
        Name.List[0, 30].Sample(
            names =>
            {
                var sorted = names.Order().ToList();
                var expected = names.OrderBy(n => n.Step).ThenBy(n => n.TimestampUtc).ThenBy(n => n.Discriminator).ToList();
                Assert.Equal(expected, sorted);
            },
            iter: Iterations / 4);
    }

    [Fact]
    public void TryParse_ArbitraryText_EitherRejectsOrRoundTrips()
    {
        var text = Gen.OneOf(
            Gen.String,
            Gen.Char["checkpoint_step0123456789.ck-"].Array[0, 60].Select(c => new string(c)),
            Gen.Select(Gen.String[0, 4], Gen.Long[0, long.MaxValue], Gen.String[0, 4]).Select((pre, step, post) => $"{pre}checkpoint_step_{step}_20260101_000000{post}.ckpt"));
        text.Sample(
            s =>
            {
                if (CheckpointFileName.TryParse(s, out var parsed))
                {
                    Assert.Equal(s, parsed!.FileName);
                }
                else
                {
                    Assert.Null(parsed);
                }
            },
            iter: Iterations);
    }

    [Theory]
    [InlineData("checkpoint_step_01_20260101_000000.ckpt")]
    [InlineData("checkpoint_step_1_20260101_000000_0.ckpt")]
    [InlineData("checkpoint_step_1_20260101_000000_01.ckpt")]
    [InlineData("checkpoint_step_1_20261301_000000.ckpt")]
    [InlineData("checkpoint_step_1_20260230_000000.ckpt")]
    [InlineData("checkpoint_step_1_20260101_246000.ckpt")]
    [InlineData("checkpoint_step_-1_20260101_000000.ckpt")]
    [InlineData("checkpoint_step_9223372036854775808_20260101_000000.ckpt")]
    [InlineData("checkpoint_step_1_20260101_000000_1234567890.ckpt")]
    [InlineData("checkpoint_step_1_20260101_000000.CKPT")]
    [InlineData("checkpoint_step_1_20260101_000000.ckpt.tmp-123-abc")]
    [InlineData("checkpoint_step_1_20260101_000000")]
    [InlineData("checkpoint_step_\u0661_20260101_000000.ckpt")]
    [InlineData("checkpoint_step_1_2026010\u0661_000000.ckpt")]
    [InlineData(" checkpoint_step_1_20260101_000000.ckpt")]
    [InlineData("checkpoint_step_1_20260101_000000.ckpt\n")]
    [InlineData("")]
    public void TryParse_NonCanonicalName_ReturnsFalse(string fileName)
    {
        Assert.False(CheckpointFileName.TryParse(fileName, out var parsed));
        Assert.Null(parsed);
    }
}
