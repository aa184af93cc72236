using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace Hub.Testing.Servers;

/// <summary>
/// A throwaway mail system on free loopback ports, all in a fresh temp folder: Debian's dovecot (IMAP, and LMTP
/// into the same maildirs; passwd-file users) and postfix (SMTP, its own config directory, relaying everything
/// from loopback to dovecot over LMTP). Mail sent to any of the users through <see cref="SmtpPort"/> lands in their
/// INBOX, readable over <see cref="ImapPort"/>. Both run in the foreground as children of the test process.
/// Dispose it to stop both and delete the folder.
/// </summary>
public sealed class MailServer : IAsyncDisposable
{
    /// <summary>Every user's password.</summary>
    public const string Password = "hubtest-mail-secret";

    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private readonly string _root;
    private readonly List<ServerProcess> _processes = [];
    private int _disposed;

    private MailServer(string root)
    {
        _root = root;
        var ports = FreePorts.Take(3);
        (ImapPort, LmtpPort, SmtpPort) = (ports[0], ports[1], ports[2]);
    }

    /// <summary>The IMAP port (no TLS; users log in with their address and <see cref="Password"/>).</summary>
    public int ImapPort { get; }

    /// <summary>The SMTP port; relays for loopback clients without a login.</summary>
    public int SmtpPort { get; }

    private int LmtpPort { get; }

    private string MailDirectory => Path.Combine(_root, "mail");

    /// <summary>Starts dovecot and postfix with one mailbox per address in <paramref name="users"/>.</summary>
    public static async Task<MailServer> StartAsync(IEnumerable<string> users, CancellationToken cancellationToken = default)
    {
        var server = new MailServer(Directory.CreateTempSubdirectory("hubtest-mail-").FullName);
        try
        {
            await server.LaunchAsync([.. users], cancellationToken);
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>Stops both servers and deletes the folder; never throws.</summary>
    public ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            foreach (var process in _processes)
            {
                process.Dispose();
            }
            TempFolder.TryDelete(_root);
        }
        return ValueTask.CompletedTask;
    }

    private async Task LaunchAsync(IReadOnlyList<string> users, CancellationToken cancellationToken)
    {
        // The folder is created private; dovecot's and postfix's own users must reach their parts of it.
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(_root, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
                | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        }
        foreach (var directory in (string[])["dovecot/run", "dovecot/state", "mail", "postfix/conf", "postfix/queue", "postfix/data"])
        {
            Directory.CreateDirectory(Path.Combine(_root, directory));
        }
        await File.WriteAllTextAsync(Path.Combine(_root, "dovecot", "users"), string.Concat(users.Select(u => $"{u}:{{PLAIN}}{Password}\n")), cancellationToken);
        await File.WriteAllTextAsync(Path.Combine(_root, "dovecot", "dovecot.conf"), DovecotConfig(), cancellationToken);
        await File.WriteAllTextAsync(Path.Combine(_root, "postfix", "conf", "main.cf"), PostfixMain(), cancellationToken);
        await File.WriteAllTextAsync(Path.Combine(_root, "postfix", "conf", "master.cf"), PostfixMaster(), cancellationToken);
        if (ServiceAccount.IsRoot)
        {
            await ServiceAccount.GiveOwnershipAsync(MailDirectory, "dovecot", cancellationToken);
            await ServiceAccount.GiveOwnershipAsync(Path.Combine(_root, "postfix", "data"), "postfix", cancellationToken);
        }

        var dovecot = Start(Tool("/usr/sbin/dovecot", "dovecot-imapd"), ["-F", "-c", Path.Combine(_root, "dovecot", "dovecot.conf")]);
        await WaitForBannerAsync(ImapPort, "* OK", dovecot, cancellationToken);
        var postfix = Start(Tool("/usr/sbin/postfix", "postfix"), ["-c", Path.Combine(_root, "postfix", "conf"), "start-fg"]);
        await WaitForBannerAsync(SmtpPort, "220", postfix, cancellationToken);
    }

    private ServerProcess Start(string program, string[] arguments)
    {
        var info = new ProcessStartInfo(program) { WorkingDirectory = _root, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }
        var process = ServerProcess.Start(info, _root);
        _processes.Add(process);
        return process;
    }

    private async Task WaitForBannerAsync(int port, string banner, ServerProcess process, CancellationToken cancellationToken)
    {
        var started = Stopwatch.StartNew();
        while (true)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"The mail server on port {port} exited with code {process.ExitCode} while starting:\n{process.Output}");
            }
            if (started.Elapsed > StartTimeout)
            {
                throw new TimeoutException($"The mail server did not greet on 127.0.0.1:{port} within {StartTimeout.TotalSeconds:0} s:\n{process.Output}");
            }
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync("127.0.0.1", port, cancellationToken);
                using var reader = new StreamReader(client.GetStream(), Encoding.ASCII);
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                timeout.CancelAfter(TimeSpan.FromSeconds(5));
                if ((await reader.ReadLineAsync(timeout.Token))?.StartsWith(banner, StringComparison.Ordinal) == true)
                {
                    return;
                }
            }
            catch (Exception e) when (e is SocketException or IOException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
            {
                // Not listening yet.
            }
            await Task.Delay(100, cancellationToken);
        }
    }

    private static string Tool(string path, string package) =>
        File.Exists(path) ? path : throw new InvalidOperationException($"Cannot find '{path}'. Install the Debian package {package} (tests/run.sh does this when run as root).");

    private string DovecotConfig()
    {
        var root = Path.Combine(_root, "dovecot");
        var user = ServiceAccount.IsRoot ? "dovecot" : Environment.UserName;
        return string.Create(CultureInfo.InvariantCulture, $$"""
            base_dir = {{root}}/run
            state_dir = {{root}}/state
            log_path = /dev/stderr
            protocols = imap lmtp
            listen = 127.0.0.1
            ssl = no
            disable_plaintext_auth = no
            auth_mechanisms = plain login
            mail_location = maildir:{{MailDirectory}}/%u
            first_valid_uid = 1
            default_internal_user = {{user}}
            default_login_user = {{(ServiceAccount.IsRoot ? "dovenull" : user)}}
            passdb {
              driver = passwd-file
              args = scheme=PLAIN username_format=%u {{root}}/users
            }
            userdb {
              driver = static
              args = uid={{user}} gid={{user}} home={{MailDirectory}}/%u
            }
            service imap-login {
              chroot =
              inet_listener imap {
                address = 127.0.0.1
                port = {{ImapPort}}
              }
              inet_listener imaps {
                port = 0
              }
            }
            service lmtp {
              inet_listener lmtp {
                address = 127.0.0.1
                port = {{LmtpPort}}
              }
            }
            service anvil {
              chroot =
            }
            """);
    }

    private string PostfixMain()
    {
        var root = Path.Combine(_root, "postfix");
        var lmtp = string.Create(CultureInfo.InvariantCulture, $"lmtp:inet:127.0.0.1:{LmtpPort}");
        return $"""
            compatibility_level = 3.6
            queue_directory = {root}/queue
            data_directory = {root}/data
            mail_owner = postfix
            setgid_group = postdrop
            myhostname = hubtest.localhost
            mydomain = localhost
            mydestination =
            inet_interfaces = 127.0.0.1
            inet_protocols = ipv4
            mynetworks = 127.0.0.0/8
            smtpd_relay_restrictions = permit_mynetworks, reject
            smtpd_recipient_restrictions = permit_mynetworks, reject
            default_transport = {lmtp}
            relay_transport = {lmtp}
            local_transport = {lmtp}
            smtp_dns_support_level = disabled
            lmtp_host_lookup = native
            maillog_file = /dev/stdout
            alias_maps =
            alias_database =
            biff = no
            smtputf8_enable = no
            message_size_limit = 52428800
            """;
    }

    private string PostfixMaster() => string.Create(CultureInfo.InvariantCulture, $"""
        127.0.0.1:{SmtpPort} inet n - n - - smtpd
        pickup    unix  n  -  n  60     1  pickup
        cleanup   unix  n  -  n  -      0  cleanup
        qmgr      unix  n  -  n  300    1  qmgr
        rewrite   unix  -  -  n  -      -  trivial-rewrite
        bounce    unix  -  -  n  -      0  bounce
        defer     unix  -  -  n  -      0  bounce
        trace     unix  -  -  n  -      0  bounce
        verify    unix  -  -  n  -      1  verify
        flush     unix  n  -  n  1000?  0  flush
        proxymap  unix  -  -  n  -      -  proxymap
        smtp      unix  -  -  n  -      -  smtp
        relay     unix  -  -  n  -      -  smtp
        showq     unix  n  -  n  -      -  showq
        error     unix  -  -  n  -      -  error
        retry     unix  -  -  n  -      -  error
        discard   unix  -  -  n  -      -  discard
        lmtp      unix  -  -  n  -      -  lmtp
        anvil     unix  -  -  n  -      1  anvil
        scache    unix  -  -  n  -      1  scache
        postlog   unix-dgram n - n -    1  postlogd

        """);
}
