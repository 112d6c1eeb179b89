using ApiSecurity.Bench.Micro;
using BenchmarkDotNet.Running;

// Micro-benchmarks of the pieces on the request path. Run (Release):
//   dotnet run -c Release --project bench/Micro -- --filter '*'
// Add --job short for a quick look; see BENCHMARKS.md for the last results.
// How cost grows with the size of an API (plain timing, no BenchmarkDotNet): -- growth
if (args is ["growth", ..])
{
    Growth.Run();
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(TokenBenchmarks).Assembly).Run(args);
