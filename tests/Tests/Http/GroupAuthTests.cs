using ApiSecurity.Tests.Infrastructure;
using static ApiSecurity.Tests.Infrastructure.Rcms;

namespace ApiSecurity.Tests.Http;

/// <summary>GroupAuth: an endpoint with <c>groups</c> serves only members of one of them (else 401 <c>unauthorized</c>, as Kuroco answers).</summary>
[Collection(WebFrontCollection.Name)]
public sealed class GroupAuthTests(WebFrontFixture fixture)
{
    private Admin Admin => fixture.Admin;

    [Fact]
    public async Task OnlyMembersOfAnAllowedGroup_PassAGroupRestrictedEndpoint()
    {
        var apiId = await Admin.CreateFullApiAsync("dynamic_token");
        await Admin.AddEndpointAsync(apiId, "GET", "vip", "Content", "Document", "get", new { document = new { vip = true }, groups = new[] { "gold", "staff" } });
        var staff = await Admin.RegisterMemberAsync(groups: ["staff"]);
        var guest = await Admin.RegisterMemberAsync(groups: ["guests"]);
        var (staffToken, _, _) = await LoginDynamicAsync(fixture.Client, apiId, staff.Email, staff.Password);
        var (guestToken, _, _) = await LoginDynamicAsync(fixture.Client, apiId, guest.Email, guest.Password);

        var allowed = await GetAsync(fixture.Client, $"/rcms-api/{apiId}/vip", staffToken);
        Assert.Equal(HttpStatusCode.OK, allowed.Status);
        Assert.True(allowed.Body["vip"]!.GetValue<bool>());

        var refused = await GetAsync(fixture.Client, $"/rcms-api/{apiId}/vip", guestToken);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.Status);
        Assert.Equal("unauthorized", Code(refused.Body));

        // Unrestricted endpoints of the same API still serve the guest; a missing credential stays a 401.
        Assert.Equal(HttpStatusCode.OK, (await GetAsync(fixture.Client, $"/rcms-api/{apiId}/content/doc", guestToken)).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await GetAsync(fixture.Client, $"/rcms-api/{apiId}/vip")).Status);
    }

    [Fact]
    public async Task WithoutAMember_AGroupRestrictedEndpointAnswers401()
    {
        var apiId = Admin.UniqueId("grp");
        await Admin.CreateApiAsync(apiId);
        await Admin.AddEndpointAsync(apiId, "GET", "vip", "Content", "Document", "get", new { groups = new[] { "staff" } });
        var anonymous = await GetAsync(fixture.Client, $"/rcms-api/{apiId}/vip");
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.Status);
        Assert.Equal("unauthorized", Code(anonymous.Body));
    }

    [Fact]
    public async Task InvalidGroups_AreRefusedWithTheField()
    {
        var apiId = Admin.UniqueId("grp");
        await Admin.CreateApiAsync(apiId);
        using var response = await Admin.SendAsync(HttpMethod.Post, $"/admin/apis/{apiId}/endpoints",
            new { method = "GET", path = "vip", category = "Content", model = "Document", operation = "get", settings = new { groups = new object[] { "staff", "not a group!" } } });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("settings.groups", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task NumericGroupIds_AsKurocoNamesThem_Restrict_AndProfileCarriesGroupIds()
    {
        var apiId = await Admin.CreateFullApiAsync("dynamic_token");
        await Admin.AddEndpointAsync(apiId, "GET", "members-only", "Content", "Document", "get", new { groups = new object[] { 104, "1" } });
        var member = await Admin.RegisterMemberAsync(groups: ["104"]);
        var other = await Admin.RegisterMemberAsync(groups: ["2"]);
        var (token, _, _) = await LoginDynamicAsync(fixture.Client, apiId, member.Email, member.Password);
        var (otherToken, _, _) = await LoginDynamicAsync(fixture.Client, apiId, other.Email, other.Password);

        Assert.Equal(HttpStatusCode.OK, (await GetAsync(fixture.Client, $"/rcms-api/{apiId}/members-only", token)).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await GetAsync(fixture.Client, $"/rcms-api/{apiId}/members-only", otherToken)).Status);
        var profile = await GetAsync(fixture.Client, $"/rcms-api/{apiId}/profile", token);
        Assert.Equal("104", profile.Body["group_ids"]![0]!.GetValue<string>());
        Assert.Equal("104", profile.Body["groups"]![0]!.GetValue<string>());
    }
}
