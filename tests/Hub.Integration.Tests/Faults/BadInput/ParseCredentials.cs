using System.Text;
using Hub.Integration.Tests.Connectors.Email;

namespace Hub.Integration.Tests.Faults.BadInput;

/// <summary>
/// The basic-auth credentials SendGrid and Postmark send from their webhook URL (https://User:Password@...), and
/// the ways to get them wrong.
/// </summary>
internal static class ParseCredentials
{
    public static Dictionary<string, string> Valid() => Basic(MailHub.ParseUser, MailHub.ParsePassword);

    public static (string Kind, Dictionary<string, string> Headers) Forged(Random random) => random.Next(6) switch
    {
        0 => ("no credentials", []),
        1 => ("wrong password", Basic(MailHub.ParseUser, MailHub.ParsePassword + "x")),
        2 => ("wrong user", Basic("admin", MailHub.ParsePassword)),
        3 => ("password as a bearer token", new() { ["Authorization"] = $"Bearer {MailHub.ParsePassword}" }),
        4 => ("credentials not base64", new() { ["Authorization"] = "Basic " + Pick(random, ["!!!", "aHVi", "=", "aHViOnBhcnNl%", new string('A', 5_001)]) }),
        _ => ("empty", new() { ["Authorization"] = Pick(random, ["Basic", "Basic ", "", "Basic " + Convert.ToBase64String(":"u8)]) }),
    };

    private static Dictionary<string, string> Basic(string user, string password) =>
        new() { ["Authorization"] = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}")) };

    private static string Pick(Random random, string[] items) => items[random.Next(items.Length)];
}
