using System.Buffers;
using System.Collections.Concurrent;
using MimeKit;
using SmtpServer;
using SmtpServer.Protocol;
using SmtpServer.Storage;

namespace ApiSecurity.Tests.Infrastructure;

/// <summary>
/// A real SMTP server (the SmtpServer package) on a loopback port, in the test process: the product
/// sends to it with MailKit over TCP, and tests read what arrived, by recipient.
/// </summary>
public sealed class SmtpSink : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentDictionary<string, Inbox> _inboxes = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, TimeSpan> _delays = new(StringComparer.OrdinalIgnoreCase);
    private readonly Task _running;

    private SmtpSink(int port)
    {
        Port = port;
        var options = new SmtpServerOptionsBuilder()
            .ServerName("localhost")
            .Endpoint(b => b.Endpoint(new IPEndPoint(IPAddress.Loopback, port)))
            .Build();
        var services = new SmtpServer.ComponentModel.ServiceProvider();
        services.Add(new Store(this));
        _running = new SmtpServer.SmtpServer(options, services).StartAsync(_stop.Token);
    }

    public int Port { get; }

    /// <summary>Every message received so far.</summary>
    public int Count => _inboxes.Values.Sum(i => i.Count);

    public static SmtpSink Start() => new(WebFrontHost.FreePort());

    /// <summary>The settings that point a web front's <c>Smtp:*</c> at this server, plus <paramref name="more"/>.</summary>
    public Dictionary<string, string> Settings(params (string Key, string Value)[] more)
    {
        var settings = new Dictionary<string, string>
        {
            ["Smtp:Host"] = "127.0.0.1",
            ["Smtp:Port"] = Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Smtp:From"] = "Members <no-reply@example.com>",
        };
        foreach (var (key, value) in more)
        {
            settings[key] = value;
        }

        return settings;
    }

    /// <summary>Waits for the next message to <paramref name="address"/> not read yet.</summary>
    public async Task<MimeMessage> NextAsync(string address, TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(20));
        return await InboxOf(address).Reader.ReadAsync(cts.Token);
    }

    /// <summary>True when a message to <paramref name="address"/> arrives within <paramref name="wait"/>.</summary>
    public async Task<bool> AnyArrivesAsync(string address, TimeSpan wait)
    {
        try
        {
            await NextAsync(address, wait);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await _running;
        }
        catch (OperationCanceledException)
        {
        }

        _stop.Dispose();
    }

    /// <summary>
    /// Makes this server take <paramref name="delay"/> before it accepts a message to <paramref name="address"/>
    /// (a slow or distant mail server): a sender that waits for the mail to leave then takes that long too.
    /// </summary>
    public void DelayDeliveryTo(string address, TimeSpan delay) => _delays[address] = delay;

    private Inbox InboxOf(string address) => _inboxes.GetOrAdd(address, _ => new Inbox());

    private sealed class Inbox
    {
        private readonly System.Threading.Channels.Channel<MimeMessage> _messages = System.Threading.Channels.Channel.CreateUnbounded<MimeMessage>();
        private int _count;

        public int Count => _count;

        public System.Threading.Channels.ChannelReader<MimeMessage> Reader => _messages.Reader;

        public void Add(MimeMessage message)
        {
            Interlocked.Increment(ref _count);
            _messages.Writer.TryWrite(message);
        }
    }

    private sealed class Store(SmtpSink sink) : MessageStore
    {
        public override async Task<SmtpResponse> SaveAsync(ISessionContext context, IMessageTransaction transaction, ReadOnlySequence<byte> buffer, CancellationToken cancellationToken)
        {
            var delay = transaction.To.Select(to => sink._delays.GetValueOrDefault($"{to.User}@{to.Host}")).DefaultIfEmpty().Max();
            if (delay > TimeSpan.Zero)
            {
                await Task.Delay(delay, cancellationToken);
            }

            using var stream = new MemoryStream(buffer.ToArray());
            var message = MimeMessage.Load(stream, cancellationToken);
            foreach (var to in transaction.To)
            {
                sink.InboxOf($"{to.User}@{to.Host}").Add(message);
            }

            return SmtpResponse.Ok;
        }
    }
}
