using System.Net;
using Hub.Integration.Tests.Hosting;
using Hub.Testing.Servers;
using Microsoft.Data.Sqlite;

namespace Hub.Integration.Tests.KeyRing;

/// <summary>
/// The Data Protection keys are gone (a lost key-encryption key whose rows were deleted, as docs/operations.md says to,
/// or a database restored without them): the secrets of connectors added in the admin UI cannot be decrypted. The hub
/// must still start and run everything else, and say which instance needs its secrets again.
/// </summary>
public sealed class LostKeyRingTests
{
    [Fact]
    public async Task Without_the_keys_its_secrets_were_stored_under_a_stored_instance_is_not_run_and_the_hub_still_starts()
    {
        await using var hub = await EmbeddedHub.StartAsync(AdminForms.FirstAdminSettings);
        using (var admin = await AdminForms.SignInAsync(hub.Hub))
        {
            await admin.AddConnectorAsync("crm9", "webhooks", new Dictionary<string, string> { ["Secret"] = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw" });
        }
        await using (var connection = new SqliteConnection($"Data Source={hub.DatabasePath}"))
        {
            await connection.OpenAsync();
            await using var delete = connection.CreateCommand();
            delete.CommandText = "DELETE FROM data_protection_keys";
            Assert.True(await delete.ExecuteNonQueryAsync() > 0);
        }
        SqliteConnection.ClearAllPools();

        await hub.RestartAsync();

        Assert.Contains("The secrets of stored connector instance 'crm9' cannot be decrypted", hub.Hub.Output, StringComparison.Ordinal);
        using var accepted = await hub.Sender.SendAsync(SignedWebhookSender.Identify(1, 1));
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        using var stored = await hub.Hub.Client.PostAsync(new Uri("webhooks/crm9", UriKind.Relative), new StringContent("{}"));
        Assert.Equal(HttpStatusCode.NotFound, stored.StatusCode);
    }
}
