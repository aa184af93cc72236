using Hub.Contracts.Connectors;
using static Hub.Connectors.Pbx.Tests.PbxTestKit;

namespace Hub.Connectors.Pbx.Tests;

/// <summary>Instance settings as the host checks them at start: <see cref="ConnectorSettingsValidator.Validate"/>.</summary>
public sealed class PbxOptionsTests
{
    private static IReadOnlyList<string> Problems(string secret) =>
        ConnectorSettingsValidator.Validate(Connector(), Settings(("Secret", secret)));

    private static string Base64Of(int bytes) => Convert.ToBase64String(Enumerable.Range(0, bytes).Select(i => (byte)(i * 7 + 3)).ToArray());

    [Theory]
    [InlineData("nope")]
    [InlineData("whsec_bm9wZQ")]
    [InlineData("whsec_")]
    public void A_secret_too_short_to_be_a_key_is_one_problem_naming_the_option(string secret)
    {
        var problem = Assert.Single(Problems(secret));

        Assert.Contains("'Secret'", problem, StringComparison.Ordinal);
        Assert.Contains("at least 24", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void A_secret_of_23_bytes_is_refused_and_one_of_24_taken()
    {
        Assert.Single(Problems("whsec_" + Base64Of(23)));
        Assert.Empty(Problems("whsec_" + Base64Of(24)));
    }

    [Fact]
    public void A_short_secret_among_rotating_ones_is_refused()
    {
        Assert.Single(Problems($"{SecretA} whsec_{Base64Of(16)}"));
    }

    [Fact]
    public void A_secret_without_the_whsec_prefix_is_taken_as_Standard_Webhooks_libraries_take_it()
    {
        Assert.Empty(Problems(SecretA["whsec_".Length..]));
    }
}
