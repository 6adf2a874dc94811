namespace Downloads;

/// <summary>What the server does wrong with one request, when <c>--fail-rate</c> asks it to.</summary>
internal readonly record struct InjectedFailure(bool ServerError, long? CutAfterBytes)
{
    public static InjectedFailure None => default;
}
