using System.Diagnostics;
using System.Runtime.InteropServices;

namespace ApiSecurity.Testing;

/// <summary>
/// A real child process (redis-server, a silo, a web front) that a test or the benchmark harness started and
/// alone stops, by its PID; its output goes to <c>{logDirectory}/{name}.log</c>. One source file, linked into
/// tests/Tests and bench/Harness.
/// </summary>
public sealed class ChildProcess : IDisposable
{
    // Children still running: stopped when this process exits, including on SIGTERM or Ctrl-C, so an
    // interrupted benchmark or test run leaves no silo or web front behind.
    private static readonly HashSet<ChildProcess> Live = [];
    private static readonly List<PosixSignalRegistration> Hooks = [];
    private static int _exitHookInstalled;

    private readonly Process _process;

    private ChildProcess(Process process, string name)
    {
        _process = process;
        Name = name;
        if (Interlocked.Exchange(ref _exitHookInstalled, 1) == 0)
        {
            AppDomain.CurrentDomain.ProcessExit += (_, _) => StopAll();
            foreach (var signal in new[] { PosixSignal.SIGTERM, PosixSignal.SIGINT, PosixSignal.SIGHUP })
            {
                Hooks.Add(PosixSignalRegistration.Create(signal, _ => StopAll()));
            }
        }

        lock (Live)
        {
            Live.Add(this);
        }
    }

    /// <summary>The name given at start (also the log file's name).</summary>
    public string Name { get; }

    /// <summary>The PID.</summary>
    public int Id => _process.Id;

    /// <summary>True once the process has ended.</summary>
    public bool HasExited => _process.HasExited;

    /// <summary>Waits up to <paramref name="timeout"/> for the process to end (and its output to reach the log); true if it did.</summary>
    public bool WaitForExit(TimeSpan timeout)
    {
        if (!_process.WaitForExit(timeout))
        {
            return false;
        }

        _process.WaitForExit(); // drains the redirected output into the log
        return true;
    }

    /// <summary>The exit code, once the process has ended.</summary>
    public int ExitCode => _process.ExitCode;

    /// <summary>Starts <paramref name="fileName"/> with <paramref name="arguments"/> (each passed as is) and extra environment variables.</summary>
    public static ChildProcess Start(string name, string fileName, IEnumerable<string> arguments, string logDirectory, IReadOnlyDictionary<string, string>? environment = null)
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

        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[key] = value;
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {fileName}");
        var log = new StreamWriter(Path.Combine(logDirectory, name + ".log")) { AutoFlush = true };
        process.OutputDataReceived += (_, e) => { lock (log) { if (e.Data is not null) { log.WriteLine(e.Data); } } };
        process.ErrorDataReceived += (_, e) => { lock (log) { if (e.Data is not null) { log.WriteLine(e.Data); } } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return new ChildProcess(process, name);
    }

    /// <summary>Resident set size in bytes, or 0 once the process has ended.</summary>
    public long ResidentBytes()
    {
        _process.Refresh();
        return _process.HasExited ? 0 : _process.WorkingSet64;
    }

    /// <summary>CPU time (user + kernel, all threads) the process has used since it started; zero once it has ended.</summary>
    public TimeSpan CpuTime()
    {
        _process.Refresh();
        try
        {
            return _process.HasExited ? TimeSpan.Zero : _process.TotalProcessorTime;
        }
        catch (InvalidOperationException)
        {
            return TimeSpan.Zero; // ended between the two calls
        }
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

        Signal(Posix.SigTerm);
        if (!_process.WaitForExit(timeout))
        {
            KillHard();
        }
    }

    /// <summary>SIGSTOP: the process freezes with its sockets open, as in a network partition.</summary>
    public void Pause() => Signal(Posix.SigStop);

    /// <summary>SIGCONT: a paused process carries on.</summary>
    public void Resume() => Signal(Posix.SigCont);

    private static void StopAll()
    {
        ChildProcess[] children;
        lock (Live)
        {
            children = [.. Live];
        }

        foreach (var child in children)
        {
            child.KillHard();
        }
    }

    /// <summary>Resumes the process if it was paused (so it can be killed), kills it if still running, and releases it.</summary>
    public void Dispose()
    {
        lock (Live)
        {
            Live.Remove(this);
        }

        Resume();
        KillHard();
        _process.Dispose();
    }

    /// <summary>Sends a signal to this process only, and only while it runs (its PID is not reused before it is reaped).</summary>
    private void Signal(int signal)
    {
        if (!_process.HasExited)
        {
            _ = Posix.Kill(_process.Id, signal);
        }
    }

    private static class Posix
    {
        public const int SigTerm = 15;
        public const int SigCont = 18;
        public const int SigStop = 19;

        [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
        public static extern int Kill(int pid, int signal);
    }
}
