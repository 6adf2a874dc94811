namespace Checkpointing.Studies;

/// <summary>
/// The trial an objective is evaluating: its number and the parameters the sampler chose for it.
/// Every parameter of the search space is chosen before the objective runs (define-and-run).
/// </summary>
public sealed class Trial
{
    private readonly SearchSpace _space;
    private readonly IReadOnlyDictionary<string, ParameterValue> _params;
    private readonly SortedDictionary<long, double> _intermediate = new();

    internal Trial(int number, SearchSpace space, IReadOnlyDictionary<string, ParameterValue> parameters)
    {
        Number = number;
        _space = space;
        _params = parameters;
    }

    /// <summary>The trial's 0-based number in the study.</summary>
    public int Number { get; }

    /// <summary>All chosen parameters by name.</summary>
    public IReadOnlyDictionary<string, ParameterValue> Params => _params;

    /// <summary>The value of a float parameter.</summary>
    /// <exception cref="KeyNotFoundException">No parameter has that name.</exception>
    /// <exception cref="InvalidOperationException">The parameter is not a float.</exception>
    public double GetFloat(string name) => Get(name, ParameterKind.Float).AsDouble();

    /// <summary>The value of an int parameter.</summary>
    /// <exception cref="KeyNotFoundException">No parameter has that name.</exception>
    /// <exception cref="InvalidOperationException">The parameter is not an int.</exception>
    public int GetInt(string name) => Get(name, ParameterKind.Int).AsInt();

    /// <summary>The chosen choice of a categorical parameter.</summary>
    /// <exception cref="KeyNotFoundException">No parameter has that name.</exception>
    /// <exception cref="InvalidOperationException">The parameter is not categorical.</exception>
    public string GetCategorical(string name) => Get(name, ParameterKind.Categorical).AsString();

    /// <summary>
    /// Records an intermediate value (for example the validation loss after an epoch). Kept in
    /// <see cref="FinishedTrial.IntermediateValues"/>; a later report for the same step replaces the earlier one.
    /// </summary>
    public void Report(long step, double value)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(step);
        lock (_intermediate)
        {
            _intermediate[step] = value;
        }
    }

    internal IReadOnlyDictionary<long, double> IntermediateValues()
    {
        lock (_intermediate)
        {
            return _intermediate.Count == 0 ? FinishedTrial.EmptyIntermediateValues : new Dictionary<long, double>(_intermediate);
        }
    }

    private ParameterValue Get(string name, ParameterKind kind)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (!_params.TryGetValue(name, out var value))
        {
            throw new KeyNotFoundException(
                $"The search space has no parameter named '{name}'. Declared: {string.Join(", ", _space.Parameters.Select(p => p.Name))}.");
        }

        if (value.Kind != kind)
        {
            throw new InvalidOperationException(
                $"Parameter '{name}' is {value.Kind}, not {kind}; use Get{value.Kind}(\"{name}\").");
        }

        return value;
    }
}
