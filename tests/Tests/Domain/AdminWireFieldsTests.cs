using ApiSecurity.Grains.Apis;
using ApiSecurity.WebFront.Admin;

namespace ApiSecurity.Tests.Domain;

/// <summary>The wire names of domain fields are the ones the admin API has always answered with.</summary>
public sealed class AdminWireFieldsTests
{
    public static TheoryData<string, string> Fields() => new()
    {
        { AdminFields.Name, "name" },
        { AdminFields.Enabled, "enabled" },
        { AdminFields.ApiId, "api_id" },
        { AdminFields.Mode, "mode" },
        { AdminFields.IpRestriction, "ip_restriction" },
        { AdminFields.Members, "members" },
        { AdminFields.CorsAllowOrigins, "allow_origins" },
        { AdminFields.CorsAllowMethods, "allow_methods" },
        { AdminFields.CorsAllowHeaders, "allow_headers" },
        { AdminFields.CorsMaxAge, "max_age" },
        { AdminFields.Method, "method" },
        { AdminFields.Path, "path" },
        { AdminFields.Category, "category" },
        { AdminFields.Model, "model" },
        { AdminFields.Operation, "operation" },
        { AdminFields.Settings, "settings" },
        { AdminFields.Memo, "memo" },
        { AdminFields.ExpiresAt, "expires_at" },
        { AdminFields.MemberId, "member_id" },
        { AdminFields.Role, "role" },
        { AdminFields.Email, "email" },
        { AdminFields.Password, "password" },
        { AdminFields.Name1, "name1" },
        { AdminFields.Name2, "name2" },
        { AdminFields.Nickname, "nickname" },
        { AdminFields.Groups, "groups" },
        { AdminFields.Code, "code" },
        { AdminFields.Limit, "limit" },
        { AdminFields.Days, "days" },
        { AdminFields.Setting(nameof(EndpointSettings.GrantTokenLifespan)), "settings.grant_token_lifespan" },
        { AdminFields.Setting(nameof(EndpointSettings.SessionIdleTimeout)), "settings.session_idle_timeout" },
        { AdminFields.Setting(nameof(EndpointSettings.UseRefreshToken)), "settings.use_refresh_token" },
        { AdminFields.Setting(nameof(EndpointSettings.CookieSameSite)), "settings.cookie_samesite" },
        { AdminFields.Setting(nameof(EndpointSettings.DocumentJson)), "settings.document" },
        { AdminFields.Setting(nameof(EndpointSettings.Auth)), "settings.auth" },
        { AdminFields.RateLimit(), "settings.rate_limit" },
        { AdminFields.RateLimit(nameof(RateLimitSetting.Limit)), "settings.rate_limit.limit" },
        { AdminFields.RateLimit(nameof(RateLimitSetting.Key)), "settings.rate_limit.key" },
        { AdminFields.EndpointFor(Operation.LoginChallenge), "login_challenge" },
        { AdminFields.EndpointFor(Operation.Token), "token" },
        { AdminFields.Key(AdminFields.Settings, "My.Key[1]"), "settings.My.Key[1]" },
    };

    [Theory]
    [MemberData(nameof(Fields))]
    public void DomainField_HasItsWireName(string field, string wire) => Assert.Equal(wire, AdminWireFields.Of(field));

    [Fact]
    public void EveryEndpointAModeRequires_IsNamedByItsOperation()
    {
        foreach (var op in Enum.GetValues<Operation>())
        {
            Assert.Equal(op.Name(), AdminWireFields.Of(AdminFields.EndpointFor(op)));
        }
    }
}
