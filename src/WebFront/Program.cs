using ApiSecurity.Hosting;
using ApiSecurity.WebFront;

return StartupFailure.Explain(() => WebFrontApplication.Create(args).Run());

/// <summary>Entry point (public for test hosts).</summary>
public partial class Program;
