using System.Net.Http.Headers;

namespace ApiSecurity.Tests.Infrastructure;

/// <summary>A thin client of the admin API, so tests read as what they set up.</summary>
public sealed class Admin(HttpClient http)
{
    private static int _counter;

    public HttpClient Http { get; } = http;

    public static string UniqueId(string prefix) => $"{prefix}-{Interlocked.Increment(ref _counter)}-{Guid.NewGuid().ToString("N")[..6]}";

    public static string UniqueEmail() => $"{UniqueId("m")}@example.com";

    public async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, object? body = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = body is string raw
                ? new StringContent(raw, System.Text.Encoding.UTF8, "application/json")
                : JsonContent.Create(body);
        }

        return await Http.SendAsync(request);
    }

    public async Task<JsonNode> OkJsonAsync(HttpMethod method, string path, object? body = null)
    {
        using var response = await SendAsync(method, path, body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{method} {path} → {(int)response.StatusCode}: {text}");
        return JsonNode.Parse(text)!;
    }

    public Task<JsonNode> CreateApiAsync(string apiId, string? name = null) =>
        OkJsonAsync(HttpMethod.Put, $"/admin/apis/{apiId}", new { name = name ?? apiId });

    public Task<JsonNode> AddEndpointAsync(string apiId, string method, string path, string category, string model, string operation, object? settings = null) =>
        OkJsonAsync(HttpMethod.Post, $"/admin/apis/{apiId}/endpoints", new { method, path, category, model, operation, settings });

    public Task<JsonNode> AddLoginAsync(string apiId, object? settings = null) =>
        AddEndpointAsync(apiId, "POST", "login", "Authentication", "Login", "login_challenge", settings);

    public Task<JsonNode> AddTokenAsync(string apiId, object? settings = null) =>
        AddEndpointAsync(apiId, "POST", "token", "Authentication", "Login", "token", settings);

    public Task<JsonNode> AddDocumentAsync(string apiId, string path = "content/doc", object? document = null) =>
        AddEndpointAsync(apiId, "GET", path, "Content", "Document", "get", new { document = document ?? new { hello = "world" } });

    public Task<JsonNode> SetSecurityAsync(string apiId, string mode, params string[] ipRestriction) =>
        OkJsonAsync(HttpMethod.Put, $"/admin/apis/{apiId}/security", new { mode, ip_restriction = ipRestriction });

    public async Task<(long Id, string Email, string Password)> RegisterMemberAsync(string? email = null, string password = "correct-horse", string[]? groups = null)
    {
        email ??= UniqueEmail();
        var member = await OkJsonAsync(HttpMethod.Post, "/admin/members", new { email, password, name1 = "Test", name2 = "Member", nickname = "tm", groups = groups ?? ["staff"] });
        return (member["member_id"]!.GetValue<long>(), email, password);
    }

    public async Task<(string Id, string Value)> IssueStaticTokenAsync(string apiId, string memo = "test", long? expiresAt = null, long? memberId = null)
    {
        var token = await OkJsonAsync(HttpMethod.Post, $"/admin/apis/{apiId}/static-tokens",
            new { memo, expires_at = expiresAt ?? DateTimeOffset.UtcNow.AddDays(1).ToUnixTimeSeconds(), member_id = memberId });
        return (token["id"]!.GetValue<string>(), token["value"]!.GetValue<string>());
    }

    /// <summary>A new API with login, token, logout, profile and a document endpoint, in <paramref name="mode"/>.</summary>
    public async Task<string> CreateFullApiAsync(string mode, object? tokenSettings = null, object? loginSettings = null)
    {
        var apiId = UniqueId("api");
        await CreateApiAsync(apiId);
        await AddLoginAsync(apiId, loginSettings);
        await AddTokenAsync(apiId, tokenSettings);
        await AddEndpointAsync(apiId, "POST", "logout", "Authentication", "Login", "logout");
        await AddEndpointAsync(apiId, "GET", "profile", "Authentication", "Login", "profile");
        await AddDocumentAsync(apiId);
        if (mode != "none")
        {
            await RegisterMemberAsync();
            await SetSecurityAsync(apiId, mode);
        }

        return apiId;
    }
}

/// <summary>A client of <c>/rcms-api</c> as a front-end would use it.</summary>
public static class Rcms
{
    public static async Task<(HttpStatusCode Status, JsonNode Body, HttpResponseMessage Response)> SendAsync(
        HttpClient client, HttpMethod method, string path, object? body = null, string? token = null, string? cookie = null,
        Action<HttpRequestHeaders>? headers = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = body is string raw
                ? new StringContent(raw, System.Text.Encoding.UTF8, "application/json")
                : JsonContent.Create(body);
        }

        if (token is not null)
        {
            request.Headers.TryAddWithoutValidation("X-RCMS-API-ACCESS-TOKEN", token);
        }

        if (cookie is not null)
        {
            request.Headers.TryAddWithoutValidation("Cookie", cookie);
        }

        headers?.Invoke(request.Headers);
        var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        JsonNode node;
        try
        {
            node = string.IsNullOrEmpty(text) ? new JsonObject() : JsonNode.Parse(text) ?? new JsonObject();
        }
        catch (JsonException)
        {
            node = new JsonObject { ["raw"] = text };
        }

        return (response.StatusCode, node, response);
    }

    public static Task<(HttpStatusCode Status, JsonNode Body, HttpResponseMessage Response)> GetAsync(HttpClient client, string path, string? token = null, string? cookie = null) =>
        SendAsync(client, HttpMethod.Get, path, token: token, cookie: cookie);

    public static Task<(HttpStatusCode Status, JsonNode Body, HttpResponseMessage Response)> PostAsync(HttpClient client, string path, object? body = null, string? token = null, string? cookie = null) =>
        SendAsync(client, HttpMethod.Post, path, body, token, cookie);

    /// <summary>login_challenge then token: returns (access, refresh) values.</summary>
    public static async Task<(string Access, string? Refresh, string Grant)> LoginDynamicAsync(HttpClient client, string apiId, string email, string password)
    {
        var login = await PostAsync(client, $"/rcms-api/{apiId}/login", new { email, password });
        Assert.Equal(HttpStatusCode.OK, login.Status);
        var grant = login.Body["grant_token"]!.GetValue<string>();
        var token = await PostAsync(client, $"/rcms-api/{apiId}/token", new { grant_token = grant });
        Assert.Equal(HttpStatusCode.OK, token.Status);
        return (token.Body["access_token"]!["value"]!.GetValue<string>(), token.Body["refresh_token"]?["value"]?.GetValue<string>(), grant);
    }

    /// <summary>Cookie login: returns the Cookie header value to send back and the raw Set-Cookie headers.</summary>
    public static async Task<(string Cookie, IReadOnlyList<string> SetCookies)> LoginCookieAsync(HttpClient client, string apiId, string email, string password, int loginSave = 0)
    {
        var login = await PostAsync(client, $"/rcms-api/{apiId}/login", new { email, password, login_save = loginSave });
        Assert.Equal(HttpStatusCode.OK, login.Status);
        var setCookies = login.Response.Headers.GetValues("Set-Cookie").ToList();
        return (CookieHeader(setCookies), setCookies);
    }

    public static string CookieHeader(IEnumerable<string> setCookies) =>
        string.Join("; ", setCookies.Select(c => c.Split(';')[0]));

    public static string Code(JsonNode body) => body["errors"]![0]!["code"]!.GetValue<string>();
}
