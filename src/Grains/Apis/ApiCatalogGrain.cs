namespace ApiSecurity.Grains.Apis;

/// <inheritdoc cref="IApiCatalogGrain"/>
[GrainType("api-catalog")]
public sealed class ApiCatalogGrain(
    [PersistentState("api-catalog", StorageNames.Store)] IPersistentState<ApiCatalogState> state) : Grain, IApiCatalogGrain
{
    private ApiCatalogView? _view;

    /// <inheritdoc/>
    public async Task SetAsync(string apiId, long version)
    {
        if (state.State.Versions.TryGetValue(apiId, out var known) && known >= version)
        {
            return;
        }

        state.State.Versions[apiId] = version;
        state.State.Generation++;
        _view = null;
        await state.WriteStateAsync();
    }

    /// <inheritdoc/>
    public async Task RemoveAsync(string apiId)
    {
        if (state.State.Versions.Remove(apiId))
        {
            state.State.Generation++;
            _view = null;
            await state.WriteStateAsync();
        }
    }

    /// <inheritdoc/>
    public Task<ApiCatalogView?> GetChangesAsync(long knownGeneration)
    {
        if (knownGeneration == state.State.Generation && knownGeneration != 0)
        {
            return Task.FromResult<ApiCatalogView?>(null);
        }

        _view ??= new ApiCatalogView(state.State.Generation, new Dictionary<string, long>(state.State.Versions, StringComparer.Ordinal));
        return Task.FromResult<ApiCatalogView?>(_view);
    }
}
