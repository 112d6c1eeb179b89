using ApiSecurity.WebFront;

var app = WebFrontApplication.Create(args);
app.Run();

/// <summary>Entry point (public for test hosts).</summary>
public partial class Program;
