// The "no gateway" baseline: the same JSON bytes the product returns for a Content / Document / get
// endpoint, served by a plain ASP.NET Core minimal endpoint with the same Kestrel settings.
// Usage: Baseline --urls http://127.0.0.1:5300 --BodyFile body.json
var builder = WebApplication.CreateBuilder(args);
builder.Logging.SetMinimumLevel(LogLevel.Warning);
builder.WebHost.ConfigureKestrel(kestrel => kestrel.AddServerHeader = false);

var bodyFile = builder.Configuration["BodyFile"];
var body = bodyFile is null ? """{"errors":[],"messages":[]}"""u8.ToArray() : File.ReadAllBytes(bodyFile);

var app = builder.Build();
app.MapGet("/rcms-api/{apiId}/{**path}", (HttpContext context) =>
{
    context.Response.ContentType = "application/json; charset=utf-8";
    context.Response.ContentLength = body.Length;
    return context.Response.Body.WriteAsync(body).AsTask();
});
app.MapGet("/health/ready", () => "ok");
app.Run();
