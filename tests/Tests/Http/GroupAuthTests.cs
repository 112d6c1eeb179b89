using ApiSecurity.Tests.Infrastructure;
using static ApiSecurity.Tests.Infrastructure.Rcms;

namespace ApiSecurity.Tests.Http;

/// <summary>GroupAuth: an endpoint with <c>groups</c> serves only members of one of them (else 403 <c>forbidden</c>).</summary>
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
        Assert.Equal(HttpStatusCode.Forbidden, refused.Status);
        Assert.Equal("forbidden", Code(refused.Body));

        // Unrestricted endpoints of the same API still serve the guest; a missing credential stays a 401.
        Assert.Equal(HttpStatusCode.OK, (await GetAsync(fixture.Client, $"/rcms-api/{apiId}/content/doc", guestToken)).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await GetAsync(fixture.Client, $"/rcms-api/{apiId}/vip")).Status);
    }

    [Fact]
    public async Task WithoutAMember_AGroupRestrictedEndpointIsForbidden()
    {
        var apiId = Admin.UniqueId("grp");
        await Admin.CreateApiAsync(apiId);
        await Admin.AddEndpointAsync(apiId, "GET", "vip", "Content", "Document", "get", new { groups = new[] { "staff" } });
        var anonymous = await GetAsync(fixture.Client, $"/rcms-api/{apiId}/vip");
        Assert.Equal(HttpStatusCode.Forbidden, anonymous.Status);
        Assert.Equal("forbidden", Code(anonymous.Body));
    }

    [Fact]
    public async Task InvalidGroups_AreRefusedWithTheField()
    {
        var apiId = Admin.UniqueId("grp");
        await Admin.CreateApiAsync(apiId);
        using var response = await Admin.SendAsync(HttpMethod.Post, $"/admin/apis/{apiId}/endpoints",
            new { method = "GET", path = "vip", category = "Content", model = "Document", operation = "get", settings = new { groups = new object[] { "staff", 7 } } });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("settings.groups", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
