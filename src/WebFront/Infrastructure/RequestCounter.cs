namespace ApiSecurity.WebFront.Infrastructure;

/// <summary>
/// The <c>/rcms-api</c> requests of one API in one security mode, counted by outcome with one atomic
/// increment each (<see cref="StripedCounts"/>: per core once the API is busy enough for cores to collide).
/// <see cref="ApiSecurityMetrics"/> reports them as <c>apisecurity.requests</c> when the metrics are
/// collected: recording a tagged measurement on every request (the tags looked up and aggregated each
/// time) cost about as much as the whole credential check of a static token.
/// </summary>
public sealed class RequestCounter(string apiId, string mode)
{
    /// <summary>The value of the <c>outcome</c> tag for each index of the counts.</summary>
    public static readonly string[] Outcomes =
        ["ok", "invalid", "unauthorized", "forbidden", "not_found", "method_not_allowed", "rate_limited", "error", "other"];

    private readonly StripedCounts _counts = new(Outcomes.Length);

    /// <summary>The <c>api_id</c> tag.</summary>
    public string ApiId { get; } = apiId;

    /// <summary>The <c>mode</c> tag.</summary>
    public string Mode { get; } = mode;

    /// <summary>Counts one answered request.</summary>
    public void Add(int status) => _counts.Increment(OutcomeOf(status));

    /// <summary>The count of the outcome at <paramref name="index"/> of <see cref="Outcomes"/>.</summary>
    public long Count(int index) => _counts[index];

    private static int OutcomeOf(int status) => status switch
    {
        >= 200 and < 300 => 0,
        400 or 413 => 1,
        401 => 2,
        403 => 3,
        404 => 4,
        405 => 5,
        429 => 6,
        >= 500 => 7,
        _ => 8,
    };
}
