namespace ApiSecurity.Grains.Members;

/// <inheritdoc cref="IMemberDirectoryGrain"/>
[GrainType("member-directory")]
public sealed class MemberDirectoryGrain(
    [PersistentState("member-directory", StorageNames.Store)] IPersistentState<MemberDirectoryState> state) : Grain, IMemberDirectoryGrain
{
    /// <inheritdoc/>
    public async Task<long> AllocateAsync()
    {
        var id = state.State.LastId + 1;
        state.State.LastId = id;
        state.State.Members.Add(id);
        await state.WriteStateAsync();
        return id;
    }

    /// <inheritdoc/>
    public async Task RemoveAsync(long memberId)
    {
        if (state.State.Members.Remove(memberId))
        {
            await state.WriteStateAsync();
        }
    }

    /// <inheritdoc/>
    public Task<int> CountAsync() => Task.FromResult(state.State.Members.Count);

    /// <inheritdoc/>
    public Task<IReadOnlyList<long>> ListAsync(int offset, int limit) =>
        Task.FromResult<IReadOnlyList<long>>(state.State.Members.Skip(Math.Max(0, offset)).Take(Math.Clamp(limit, 0, 1000)).ToList());
}
