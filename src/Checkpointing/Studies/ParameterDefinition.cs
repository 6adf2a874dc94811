using System.Globalization;

namespace Checkpointing.Studies;

/// <summary>One declared parameter of a <see cref="SearchSpace"/>: its name, kind and range or choices.</summary>
public sealed class ParameterDefinition : IEquatable<ParameterDefinition>
{
    private static readonly IReadOnlyList<string> NoChoices = [];

    private ParameterDefinition(string name, ParameterKind kind, double low, double high, bool log, IReadOnlyList<string> choices)
    {
        Name = name;
        Kind = kind;
        Low = low;
        High = high;
        Log = log;
        Choices = choices;
    }

    /// <summary>The parameter's name, unique in its search space.</summary>
    public string Name { get; }

    /// <summary>Float, int or categorical.</summary>
    public ParameterKind Kind { get; }

    /// <summary>The smallest value (inclusive); 0 for categorical parameters.</summary>
    public double Low { get; }

    /// <summary>The largest value (inclusive); 0 for categorical parameters.</summary>
    public double High { get; }

    /// <summary>True when values are sampled uniformly in log space (useful for learning rates).</summary>
    public bool Log { get; }

    /// <summary>The choices of a categorical parameter, in declaration order; empty otherwise.</summary>
    public IReadOnlyList<string> Choices { get; }

    /// <summary>True when <paramref name="value"/> has this parameter's kind and lies in its range or choices.</summary>
    public bool Contains(ParameterValue value) => value.Kind == Kind && Kind switch
    {
        ParameterKind.Float => value.AsDouble() >= Low && value.AsDouble() <= High,
        ParameterKind.Int => value.AsInt() >= Low && value.AsInt() <= High,
        _ => Choices.Contains(value.AsString(), StringComparer.Ordinal),
    };

    /// <inheritdoc />
    public bool Equals(ParameterDefinition? other) =>
        other is not null
        && Name == other.Name
        && Kind == other.Kind
        && Low.Equals(other.Low)
        && High.Equals(other.High)
        && Log == other.Log
        && Choices.SequenceEqual(other.Choices, StringComparer.Ordinal);

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as ParameterDefinition);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Name, Kind, Low, High, Log, Choices.Count);

    /// <summary>A readable description, such as <c>lr: float [1E-05, 0.1] log</c> or <c>optimizer: categorical {sgd, adam}</c>.</summary>
    public override string ToString() => Kind switch
    {
        ParameterKind.Categorical => $"{Name}: categorical {{{string.Join(", ", Choices)}}}",
        _ => string.Create(CultureInfo.InvariantCulture, $"{Name}: {(Kind == ParameterKind.Float ? "float" : "int")} [{Low:R}, {High:R}]{(Log ? " log" : string.Empty)}"),
    };

    internal static ParameterDefinition Float(string name, double low, double high, bool log)
    {
        if (!double.IsFinite(low) || !double.IsFinite(high) || !(low < high))
        {
            throw new ArgumentException($"Float parameter '{name}' needs finite bounds with low < high; got [{low}, {high}].", nameof(low));
        }

        if (log && !(low > 0))
        {
            throw new ArgumentException($"Float parameter '{name}' is sampled in log space, so low must be > 0; got {low}.", nameof(low));
        }

        return new ParameterDefinition(name, ParameterKind.Float, low, high, log, NoChoices);
    }

    internal static ParameterDefinition Int(string name, int low, int high, bool log)
    {
        if (low >= high)
        {
            throw new ArgumentException($"Int parameter '{name}' needs low < high; got [{low}, {high}].", nameof(low));
        }

        if (log && low < 1)
        {
            throw new ArgumentException($"Int parameter '{name}' is sampled in log space, so low must be >= 1; got {low}.", nameof(low));
        }

        return new ParameterDefinition(name, ParameterKind.Int, low, high, log, NoChoices);
    }

    internal static ParameterDefinition Categorical(string name, string[] choices)
    {
        ArgumentNullException.ThrowIfNull(choices);
        if (choices.Length == 0)
        {
            throw new ArgumentException($"Categorical parameter '{name}' needs at least one choice.", nameof(choices));
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (string? choice in choices)
        {
            if (choice is null)
            {
                throw new ArgumentException($"Categorical parameter '{name}' has a null choice.", nameof(choices));
            }

            if (!seen.Add(choice))
            {
                throw new ArgumentException($"Categorical parameter '{name}' lists the choice '{choice}' twice.", nameof(choices));
            }
        }

        return new ParameterDefinition(name, ParameterKind.Categorical, 0, 0, false, Array.AsReadOnly((string[])choices.Clone()));
    }
}
