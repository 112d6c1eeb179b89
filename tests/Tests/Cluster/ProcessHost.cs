using System.Diagnostics;

namespace ApiSecurity.Tests.Cluster;

/// <summary>A real child process (redis-server, a silo, a web front) that this test started and alone stops, by its PID.</summary>
public sealed class ProcessHost : IDisposable
{
    private readonly Process _process;

    private ProcessHost(Process process, string name)
    {
        _process = process;
        Name = name;
    }

    public string Name { get; }

    public bool HasExited => _process.HasExited;

    public static ProcessHost Start(string name, string fileName, IEnumerable<string> arguments, string logDirectory)
    {
        var info = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        info.Environment["DOTNET_gcServer"] = "0";
        var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {fileName}");
        var log = new StreamWriter(Path.Combine(logDirectory, name + ".log")) { AutoFlush = true };
        process.OutputDataReceived += (_, e) => { lock (log) { if (e.Data is not null) { log.WriteLine(e.Data); } } };
        process.ErrorDataReceived += (_, e) => { lock (log) { if (e.Data is not null) { log.WriteLine(e.Data); } } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return new ProcessHost(process, name);
    }

    /// <summary>SIGKILL: the process gets no chance to clean up.</summary>
    public void KillHard()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(10_000);
        }
    }

    /// <summary>SIGTERM and wait for a graceful exit (SIGKILL after the timeout).</summary>
    public void Stop(TimeSpan timeout)
    {
        if (_process.HasExited)
        {
            return;
        }

        Posix.Kill(_process.Id, Posix.SigTerm);
        if (!_process.WaitForExit(timeout))
        {
            KillHard();
        }
    }

    /// <summary>SIGSTOP: the process freezes with its sockets open, as in a network partition.</summary>
    public void Pause() => Posix.Kill(_process.Id, Posix.SigStop);

    /// <summary>SIGCONT: a paused process carries on.</summary>
    public void Resume() => Posix.Kill(_process.Id, Posix.SigCont);

    public void Dispose()
    {
        Resume();
        KillHard();
        _process.Dispose();
    }

    private static class Posix
    {
        public const int SigTerm = 15;
        public const int SigCont = 18;
        public const int SigStop = 19;

        [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "kill", SetLastError = true)]
        public static extern int Kill(int pid, int signal);
    }
}
