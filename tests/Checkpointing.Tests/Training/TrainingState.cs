namespace Checkpointing.Tests.Training;

/// <summary>A small training state: the unit count it was saved at and a value derived from it.</summary>
public sealed record TrainingState(long Count, double Weight)
{
    public static TrainingState At(long count) => new(count, count * 0.5);
}
