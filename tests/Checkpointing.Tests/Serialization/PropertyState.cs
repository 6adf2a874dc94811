namespace Checkpointing.Tests.Serialization;

/// <summary>A state with the shapes real checkpoints hold: text, special doubles, longs, nested collections.</summary>
public sealed record PropertyState(
    string Text,
    double Number,
    long Big,
    int Small,
    bool Flag,
    List<double> Values,
    Dictionary<string, List<long>> Nested,
    List<PropertyItem> Items,
    List<List<double>> Matrix,
    int[] AlwaysEmpty);
