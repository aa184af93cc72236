using System.Text.Json;
using static Hub.Connectors.Email.Tests.EmailTestKit;

namespace Hub.Connectors.Email.Tests.Signing;

public sealed class MailgunSignatureTests
{
    public static TheoryData<string> VectorNames()
    {
        using var document = JsonDocument.Parse(Sample("mailgun-signature-vectors.json"));
        var names = new TheoryData<string>();
        foreach (var vector in document.RootElement.GetProperty("vectors").EnumerateArray().Concat(document.RootElement.GetProperty("invalid").EnumerateArray()))
        {
            names.Add(vector.GetProperty("name").GetString()!);
        }
        return names;
    }

    [Theory]
    [MemberData(nameof(VectorNames))]
    public void Each_shared_vector_is_judged_as_the_file_expects(string name)
    {
        using var document = JsonDocument.Parse(Sample("mailgun-signature-vectors.json"));
        var vector = document.RootElement.GetProperty("vectors").EnumerateArray().Concat(document.RootElement.GetProperty("invalid").EnumerateArray())
            .Single(v => v.GetProperty("name").GetString() == name);
        string Field(string field) => vector.GetProperty(field).GetString()!;

        var valid = Hub.Connectors.Email.Signing.MailgunSignature.IsValid(Field("signing_key"), Field("timestamp"), Field("token"), Field("signature"));

        Assert.Equal(Field("expected_result") == "valid", valid);
    }

    [Fact]
    public void Missing_fields_are_not_a_valid_signature()
    {
        Assert.False(Hub.Connectors.Email.Signing.MailgunSignature.IsValid(MailgunKey, null, "token", "00"));
        Assert.False(Hub.Connectors.Email.Signing.MailgunSignature.IsValid(MailgunKey, "1741944484", "", "00"));
        Assert.False(Hub.Connectors.Email.Signing.MailgunSignature.IsValid(MailgunKey, "1741944484", "token", null));
    }
}
