using Orleans.Concurrency;

namespace ApiSecurity.Grains.Audit;

/// <summary>
/// The head of the audit trail (singleton, key 0): numbers and chains entries one at a time, and knows the
/// newest seq and hash. Entries themselves live in <see cref="IAuditPageGrain"/>s of
/// <see cref="AuditChain.PageSize"/> entries, so an append rewrites one small record however long the trail is.
/// </summary>
[Alias("IAuditLogGrain")]
public interface IAuditLogGrain : IGrainWithIntegerKey
{
    /// <summary>Numbers, chains and stores one entry; completes once it is in storage.</summary>
    [Alias("Append")]
    Task<AuditEntry> AppendAsync(AuditDraft draft);

    /// <summary>The newest seq (0 when empty) and its hash.</summary>
    [Alias("GetHead")]
    [ReadOnly]
    Task<AuditHead> GetHeadAsync();
}

/// <summary>Entries <c>n·PageSize+1 … (n+1)·PageSize</c> of the audit trail (key: n).</summary>
[Alias("IAuditPageGrain")]
public interface IAuditPageGrain : IGrainWithIntegerKey
{
    /// <summary>Stores an entry (replacing one of the same seq, so a retried append is idempotent).</summary>
    [Alias("Put")]
    Task PutAsync(AuditEntry entry);

    /// <summary>The entries of this page in seq order.</summary>
    [Alias("Get")]
    [ReadOnly]
    Task<IReadOnlyList<AuditEntry>> GetAsync();
}
