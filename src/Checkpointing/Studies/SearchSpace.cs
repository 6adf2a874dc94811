namespace Checkpointing.Studies;

/// <summary>
/// The parameters a study searches over, declared fluently:
/// <c>new SearchSpace().AddFloat("lr", 1e-5, 1e-1, log: true).AddInt("hidden", 8, 128).AddCategorical("optimizer", "sgd", "adam")</c>.
/// A study copies the space when it is created, so later changes do not affect it.
/// </summary>
public sealed class SearchSpace
{
    private readonly List<ParameterDefinition> _parameters = [];

    /// <summary>The declared parameters, in declaration order.</summary>
    public IReadOnlyList<ParameterDefinition> Parameters => _parameters;

    /// <summary>Declares a float parameter sampled in [<paramref name="low"/>, <paramref name="high"/>].</summary>
    /// <param name="name">A unique, non-empty name.</param>
    /// <param name="low">The lower bound; must be finite, less than <paramref name="high"/>, and > 0 when <paramref name="log"/> is set.</param>
    /// <param name="high">The upper bound; must be finite.</param>
    /// <param name="log">Sample uniformly in log space (for scales such as learning rates). Default false.</param>
    /// <returns>This search space, for chaining.</returns>
    /// <exception cref="ArgumentException">The name is empty or taken, or the range is invalid.</exception>
    public SearchSpace AddFloat(string name, double low, double high, bool log = false) =>
        Add(ParameterDefinition.Float(CheckName(name), low, high, log));

    /// <summary>Declares an int parameter sampled in [<paramref name="low"/>, <paramref name="high"/>], both inclusive.</summary>
    /// <param name="name">A unique, non-empty name.</param>
    /// <param name="low">The lower bound; less than <paramref name="high"/>, and >= 1 when <paramref name="log"/> is set.</param>
    /// <param name="high">The upper bound.</param>
    /// <param name="log">Sample in log space (for sizes such as layer widths). Default false.</param>
    /// <returns>This search space, for chaining.</returns>
    /// <exception cref="ArgumentException">The name is empty or taken, or the range is invalid.</exception>
    public SearchSpace AddInt(string name, int low, int high, bool log = false) =>
        Add(ParameterDefinition.Int(CheckName(name), low, high, log));

    /// <summary>Declares a categorical parameter with the given distinct choices.</summary>
    /// <param name="name">A unique, non-empty name.</param>
    /// <param name="choices">At least one choice; no duplicates, no nulls.</param>
    /// <returns>This search space, for chaining.</returns>
    /// <exception cref="ArgumentException">The name is empty or taken, or the choices are invalid.</exception>
    public SearchSpace AddCategorical(string name, params string[] choices) =>
        Add(ParameterDefinition.Categorical(CheckName(name), choices));

    /// <summary>The definition of the named parameter.</summary>
    /// <exception cref="KeyNotFoundException">No parameter has that name.</exception>
    public ParameterDefinition this[string name] =>
        _parameters.Find(p => p.Name == name)
        ?? throw new KeyNotFoundException($"The search space has no parameter named '{name}'.");

    /// <summary>Each parameter on its own line.</summary>
    public override string ToString() => string.Join(Environment.NewLine, _parameters);

    internal SearchSpace Copy()
    {
        var copy = new SearchSpace();
        copy._parameters.AddRange(_parameters);
        return copy;
    }

    internal bool SameAs(SearchSpace other) => _parameters.SequenceEqual(other._parameters);

    internal void AddDefinition(ParameterDefinition definition) => Add(definition);

    private string CheckName(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (_parameters.Exists(p => p.Name == name))
        {
            throw new ArgumentException($"The search space already has a parameter named '{name}'.", nameof(name));
        }

        return name;
    }

    private SearchSpace Add(ParameterDefinition definition)
    {
        _parameters.Add(definition);
        return this;
    }
}
