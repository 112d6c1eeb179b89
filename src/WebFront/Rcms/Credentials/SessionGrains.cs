using ApiSecurity.Grains.Sessions;
using Orleans.Metadata;

namespace ApiSecurity.WebFront.Rcms.Credentials;

/// <summary>
/// References to member session grains without the per-call interface lookup of
/// <c>GetGrain&lt;T&gt;(long)</c> (which reads attributes by reflection each time): the grain and
/// interface types are resolved once.
/// </summary>
public sealed class SessionGrains
{
    private readonly IGrainFactory _grains;
    private readonly GrainInterfaceType _interfaceType;
    private readonly GrainType _grainType;

    public SessionGrains(IGrainFactory grains, GrainInterfaceTypeResolver interfaces)
    {
        _grains = grains;
        _interfaceType = interfaces.GetGrainInterfaceType(typeof(IMemberSessionGrain));
        _grainType = GrainType.Create(MemberSessionGrain.GrainTypeName);
    }

    /// <summary>The session grain of <paramref name="memberId"/>.</summary>
    public IMemberSessionGrain For(long memberId) =>
        (IMemberSessionGrain)_grains.GetGrain(GrainId.Create(_grainType, GrainIdKeyExtensions.CreateIntegerKey(memberId)), _interfaceType);
}
