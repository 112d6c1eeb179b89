namespace ApiSecurity.Grains.Audit;

/// <summary>Persisted state of the audit head.</summary>
[GenerateSerializer, Alias("AuditHeadState")]
public sealed class AuditHeadState
{
    /// <summary>The newest seq, 0 when empty.</summary>
    [Id(0)] public long LastSeq { get; set; }

    /// <summary>The newest entry's hash.</summary>
    [Id(1)] public string LastHash { get; set; } = AuditChain.Genesis;
}

/// <summary>Persisted state of one audit page.</summary>
[GenerateSerializer, Alias("AuditPageState")]
public sealed class AuditPageState
{
    /// <summary>Entries in seq order.</summary>
    [Id(0)] public List<AuditEntry> Entries { get; set; } = [];
}

/// <inheritdoc cref="IAuditLogGrain"/>
[GrainType("audit-log")]
public sealed class AuditLogGrain(
    [PersistentState("audit-log", StorageNames.Store)] IPersistentState<AuditHeadState> state) : Grain, IAuditLogGrain
{
    /// <inheritdoc/>
    public async Task<AuditEntry> AppendAsync(AuditDraft draft)
    {
        var seq = state.State.LastSeq + 1;
        var hash = AuditChain.Hash(state.State.LastHash, seq, draft);
        var entry = new AuditEntry(seq, draft.At, draft.Admin, draft.CredentialId, draft.ClientIp, draft.Action, draft.Target, draft.Outcome, draft.Summary, hash);

        // The page first: if the head write then fails, the next append reuses this seq and replaces the entry.
        await GrainFactory.GetGrain<IAuditPageGrain>(AuditChain.PageOf(seq)).PutAsync(entry);
        state.State.LastSeq = seq;
        state.State.LastHash = hash;
        await state.WriteStateAsync();
        return entry;
    }

    /// <inheritdoc/>
    public Task<AuditHead> GetHeadAsync() => Task.FromResult(new AuditHead(state.State.LastSeq, state.State.LastHash));
}

/// <inheritdoc cref="IAuditPageGrain"/>
[GrainType("audit-page")]
public sealed class AuditPageGrain(
    [PersistentState("audit-page", StorageNames.Store)] IPersistentState<AuditPageState> state) : Grain, IAuditPageGrain
{
    /// <inheritdoc/>
    public async Task PutAsync(AuditEntry entry)
    {
        var entries = state.State.Entries;
        var index = entries.FindIndex(e => e.Seq == entry.Seq);
        if (index >= 0)
        {
            entries[index] = entry;
        }
        else
        {
            entries.Add(entry);
            entries.Sort((a, b) => a.Seq.CompareTo(b.Seq));
        }

        await state.WriteStateAsync();
    }

    /// <inheritdoc/>
    public Task<IReadOnlyList<AuditEntry>> GetAsync() => Task.FromResult<IReadOnlyList<AuditEntry>>(state.State.Entries.ToList());
}
