// What a .NET team would run instead of this product, serving the same JSON bytes the product returns
// for a Content / Document / get endpoint (benchmark peers, see BENCHMARKS.md):
//   --Mode plain         WebApplication.CreateBuilder, one endpoint, no authentication (the "baseline" row)
//   --Mode slim          WebApplication.CreateSlimBuilder, no logging: the leanest endpoint ASP.NET Core offers
//   --Mode jwt           JwtBearer, HS256 access tokens (stateless: no revocation); GET /issue hands one out
//   --Mode cookie        cookie authentication, the ticket inside the cookie (stateless); POST /login signs in
//   --Mode cookie-redis  cookie authentication with server-side sessions in Redis (an ITicketStore over the
//                        StackExchange.Redis distributed cache): revocable, like this product's cookie mode
// Usage: Baseline --urls http://127.0.0.1:5300 --BodyFile body.json [--Mode plain] [--Redis 127.0.0.1:6379]
using System.Security.Claims;
using System.Text;
using ApiSecurity.Bench.Baseline;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.IdentityModel.Tokens;

var mode = ModeOf(args);
var builder = mode == "slim" ? WebApplication.CreateSlimBuilder(args) : WebApplication.CreateBuilder(args);
if (mode == "slim")
{
    builder.Logging.ClearProviders();
}
else
{
    builder.Logging.SetMinimumLevel(LogLevel.Warning);
}

builder.WebHost.ConfigureKestrel(kestrel => kestrel.AddServerHeader = false);
var bodyFile = builder.Configuration["BodyFile"];
var body = bodyFile is null ? """{"errors":[],"messages":[]}"""u8.ToArray() : File.ReadAllBytes(bodyFile);

// A fixed 256-bit HS256 key: the peer is measured, not deployed.
var signingKey = new SymmetricSecurityKey(Encoding.UTF8.GetBytes("bench-peer-hs256-key-0123456789abcdef"));
switch (mode)
{
    case "jwt":
        builder.Services.AddAuthentication().AddJwtBearer(o =>
        {
            o.MapInboundClaims = false;
            o.TokenValidationParameters = new TokenValidationParameters
            {
                ValidIssuer = "bench",
                ValidAudience = "bench",
                IssuerSigningKey = signingKey,
                ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
            };
        });
        builder.Services.AddAuthorization();
        break;
    case "cookie" or "cookie-redis":
        var cookies = builder.Services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme).AddCookie(o =>
        {
            o.Cookie.Name = "session";
            o.Events.OnRedirectToLogin = context =>
            {
                context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                return Task.CompletedTask;
            };
        });
        if (mode == "cookie-redis")
        {
            builder.Services.AddStackExchangeRedisCache(o => o.Configuration = builder.Configuration["Redis"] ?? "127.0.0.1:6379");
            builder.Services.AddSingleton<DistributedTicketStore>();
            builder.Services.AddOptions<CookieAuthenticationOptions>(CookieAuthenticationDefaults.AuthenticationScheme)
                .Configure<DistributedTicketStore>((o, store) => o.SessionStore = store);
        }

        builder.Services.AddAuthorization();
        break;
}

var app = builder.Build();
var document = app.MapGet("/rcms-api/{apiId}/{**path}", (HttpContext context) =>
{
    context.Response.ContentType = "application/json; charset=utf-8";
    context.Response.ContentLength = body.Length;
    return context.Response.Body.WriteAsync(body).AsTask();
});
if (mode is "jwt" or "cookie" or "cookie-redis")
{
    document.RequireAuthorization();
}

app.MapGet("/issue", () =>
{
    var handler = new Microsoft.IdentityModel.JsonWebTokens.JsonWebTokenHandler();
    return handler.CreateToken(new SecurityTokenDescriptor
    {
        Issuer = "bench",
        Audience = "bench",
        Subject = new ClaimsIdentity([new Claim("sub", "1")]),
        Expires = DateTime.UtcNow.AddHours(1),
        SigningCredentials = new SigningCredentials(signingKey, SecurityAlgorithms.HmacSha256),
    });
});
app.MapPost("/login", (HttpContext context) => context.SignInAsync(
    CookieAuthenticationDefaults.AuthenticationScheme,
    new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.NameIdentifier, "1")], CookieAuthenticationDefaults.AuthenticationScheme))));
app.MapGet("/health/ready", () => "ok");
app.Run();

static string ModeOf(string[] args)
{
    var index = Array.FindIndex(args, a => a is "--Mode" or "--mode");
    return index >= 0 && index + 1 < args.Length ? args[index + 1] : "plain";
}
