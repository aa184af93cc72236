using Hub.Contracts.Identity;
using Hub.Contracts.Touchpoints;
using Hub.Core.Identity;

namespace Hub.Core.Tests.Identity;

public sealed class IdentifierNormalizerTests
{
    private static readonly IdentifierNormalizer Us = new("US");

    private static CustomerIdentifier Accepted(IdentifierNormalization result)
    {
        Assert.Null(result.Problem);
        return Assert.IsType<CustomerIdentifier>(result.Identifier);
    }

    private static string Rejected(IdentifierNormalization result)
    {
        Assert.Null(result.Identifier);
        Assert.False(string.IsNullOrWhiteSpace(result.Problem));
        return result.Problem!;
    }

    // --- e-mail ---

    [Fact]
    public void Email_is_trimmed_and_lower_cased()
    {
        var result = Accepted(Us.Normalize(new CustomerIdentifier("email", "  Jane.Doe@Example.ORG \t")));

        Assert.Equal(new CustomerIdentifier(IdentifierTypes.Email, "jane.doe@example.org"), result);
    }

    [Fact]
    public void Email_type_is_read_case_insensitively()
    {
        var result = Accepted(Us.Normalize(new CustomerIdentifier(" EMAIL ", "jane@example.org")));

        Assert.Equal(IdentifierTypes.Email, result.Type);
    }

    [Theory]
    [InlineData("user@xn--mller-kva.de", "user@müller.de")]
    [InlineData("User@XN--MLLER-KVA.DE", "user@müller.de")]
    [InlineData("jane@xn--bcher-kva.example.com", "jane@bücher.example.com")]
    [InlineData("jane@müller.de", "jane@müller.de")]
    public void Email_with_an_IDN_domain_gets_the_unicode_form_of_the_domain(string input, string expected)
    {
        var result = Accepted(Us.Normalize(CustomerIdentifier.Email(input)));

        Assert.Equal(expected, result.Value);
    }

    [Fact]
    public void Punycode_and_unicode_spellings_of_one_address_normalize_to_the_same_identifier()
    {
        var fromPunycode = Accepted(Us.Normalize(CustomerIdentifier.Email("Jane@XN--MLLER-KVA.de")));
        var fromUnicode = Accepted(Us.Normalize(CustomerIdentifier.Email("jane@MÜLLER.de")));

        Assert.Equal(fromUnicode, fromPunycode);
    }

    [Fact]
    public void Composed_and_decomposed_spellings_of_one_address_are_one_identifier()
    {
        const string Address = "JOSÉ.Müller@Bücher.example";
        var composed = Accepted(Us.Normalize(CustomerIdentifier.Email(Address.Normalize(System.Text.NormalizationForm.FormC))));
        var decomposed = Accepted(Us.Normalize(CustomerIdentifier.Email(Address.Normalize(System.Text.NormalizationForm.FormD))));

        Assert.Equal(composed, decomposed);
        Assert.Equal("josé.müller@bücher.example".Normalize(System.Text.NormalizationForm.FormC), decomposed.Value);
        Assert.True(decomposed.Value.IsNormalized(System.Text.NormalizationForm.FormC));
    }

    [Fact]
    public void Email_with_a_lone_surrogate_is_rejected_with_a_reason()
    {
        var problem = Rejected(Us.Normalize(CustomerIdentifier.Email("jane\ud800@example.org")));

        Assert.Contains("Unicode", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Email_longer_than_254_characters_is_not_an_address()
    {
        var address = new string('a', 64) + "@" + string.Join('.', Enumerable.Repeat(new string('b', 60), 3)) + ".example.org"; // 259

        var problem = Rejected(Us.Normalize(CustomerIdentifier.Email(address)));

        Assert.Contains("at most 254", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Email_of_254_characters_is_accepted()
    {
        var address = new string('a', 64) + "@" + string.Join('.', Enumerable.Repeat(new string('b', 61), 3)) + ".org"; // 254

        Assert.Equal(254, address.Length);
        Assert.Equal(address, Accepted(Us.Normalize(CustomerIdentifier.Email(address))).Value);
    }

    [Fact]
    public void A_100_KB_email_is_rejected_without_reading_it_further()
    {
        var problem = Rejected(Us.Normalize(CustomerIdentifier.Email(new string('a', 100_000) + "@example.org")));

        Assert.Contains("longer than 320", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Email_without_an_at_sign_is_rejected_with_a_reason()
    {
        var problem = Rejected(Us.Normalize(CustomerIdentifier.Email("jane.doe.example.org")));

        Assert.Contains("not an e-mail address", problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public void Empty_email_is_rejected_with_a_reason(string value)
    {
        var problem = Rejected(Us.Normalize(CustomerIdentifier.Email(value)));

        Assert.Contains("empty", problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("jane doe@example.org")]
    [InlineData("jane@exam ple.org")]
    [InlineData("jane@example.org\tx")]
    public void Email_with_whitespace_inside_is_rejected_with_a_reason(string value)
    {
        var problem = Rejected(Us.Normalize(CustomerIdentifier.Email(value)));

        Assert.Contains("not an e-mail address", problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("@example.org")]
    [InlineData("jane@")]
    [InlineData("jane@evil.example@example.org")]
    public void Email_without_local_part_or_domain_is_rejected(string value)
    {
        Rejected(Us.Normalize(CustomerIdentifier.Email(value)));
    }

    [Theory]
    [InlineData("jane@localhost")]
    [InlineData("jane@example")]
    public void Email_whose_domain_has_no_dot_is_rejected_with_a_reason(string value)
    {
        var problem = Rejected(Us.Normalize(CustomerIdentifier.Email(value)));

        Assert.Contains("no dot", problem, StringComparison.Ordinal);
    }

    // --- phone ---

    [Fact]
    public void US_national_number_becomes_E164_with_default_region_US()
    {
        var result = Accepted(Us.Normalize(CustomerIdentifier.Phone("(201) 555-0123")));

        Assert.Equal(new CustomerIdentifier(IdentifierTypes.Phone, "+12015550123"), result);
    }

    [Fact]
    public void Spanish_national_number_becomes_E164_with_default_region_ES()
    {
        var spain = new IdentifierNormalizer("ES");

        var result = Accepted(spain.Normalize(CustomerIdentifier.Phone("912 345 678")));

        Assert.Equal("+34912345678", result.Value);
    }

    [Fact]
    public void Default_region_is_read_case_insensitively()
    {
        var spain = new IdentifierNormalizer("es");

        Assert.Equal("ES", spain.DefaultRegion);
        Assert.Equal("+34912345678", Accepted(spain.Normalize(CustomerIdentifier.Phone("912 345 678"))).Value);
    }

    [Theory]
    [InlineData("US")]
    [InlineData("ES")]
    [InlineData("DE")]
    public void International_number_is_kept_whatever_the_default_region(string region)
    {
        var normalizer = new IdentifierNormalizer(region);

        Assert.Equal("+12015550123", Accepted(normalizer.Normalize(CustomerIdentifier.Phone("+1 201-555-0123"))).Value);
        Assert.Equal("+34912345678", Accepted(normalizer.Normalize(CustomerIdentifier.Phone("+34 912 34 56 78"))).Value);
    }

    [Fact]
    public void Region_override_beats_the_default_region()
    {
        var result = Accepted(Us.Normalize(CustomerIdentifier.Phone("912 345 678"), regionOverride: "ES"));

        Assert.Equal("+34912345678", result.Value);
    }

    [Fact]
    public void Region_override_is_read_case_insensitively()
    {
        // The ingress passes an instance's DefaultRegion setting as the override, exactly as an admin typed it.
        var result = Us.Normalize(CustomerIdentifier.Phone("912 345 678"), regionOverride: "es");

        Assert.Equal("+34912345678", Accepted(result).Value);
    }

    [Fact]
    public void The_same_national_number_means_different_numbers_in_different_regions()
    {
        var inUs = Accepted(Us.Normalize(CustomerIdentifier.Phone("2015550123"))).Value;
        var inSpain = Us.Normalize(CustomerIdentifier.Phone("2015550123"), regionOverride: "ES");

        Assert.Equal("+12015550123", inUs);
        Assert.NotEqual(inUs, inSpain.Identifier?.Value);
    }

    [Theory]
    [InlineData("555-0177", "US")]
    [InlineData("+1 555 0101", "US")]
    [InlineData("5550177", "US")]
    [InlineData("7946 0958", "GB")]
    public void Local_number_without_its_area_code_is_rejected_saying_to_send_the_area_code(string value, string region)
    {
        // Possible as dialled within one area, so libphonenumber's IsPossibleNumber says yes; as "+15550177" it would be
        // one identifier for everyone in every area code who has that local number.
        var problem = Rejected(new IdentifierNormalizer(region).Normalize(CustomerIdentifier.Phone(value)));

        Assert.Contains("without an area code", problem, StringComparison.Ordinal);
        Assert.Contains("E.164", problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("(201) 555-0177", "US", "+12015550177")]
    [InlineData("+1 555 555 0101", "US", "+15555550101")]
    [InlineData("+1 800 555 0199", "US", "+18005550199")]
    [InlineData("020 7946 0958", "GB", "+442079460958")]
    [InlineData("+49 30 123456", "US", "+4930123456")]
    public void Number_with_its_area_code_is_accepted_even_when_fictional(string value, string region, string expected)
    {
        // +1 555 555 0101 has no assigned area code (libphonenumber's IsValidNumber says no): films and examples use it,
        // and possible-length checking, not allocation data, decides what the hub accepts.
        var result = Accepted(new IdentifierNormalizer(region).Normalize(CustomerIdentifier.Phone(value)));

        Assert.Equal(expected, result.Value);
    }

    [Theory]
    [InlineData("not a phone")]
    [InlineData("call me maybe")]
    [InlineData("12")]
    [InlineData("+999 123")]
    [InlineData("1234567890123456789012345")]
    public void Garbage_phone_is_rejected_with_a_reason(string value)
    {
        var problem = Rejected(Us.Normalize(CustomerIdentifier.Phone(value)));

        Assert.Contains("phone number", problem, StringComparison.Ordinal);
    }

    // --- twitter ---

    [Fact]
    public void Twitter_numeric_id_is_accepted()
    {
        var result = Accepted(Us.Normalize(new CustomerIdentifier("twitter", " 783214 ")));

        Assert.Equal(new CustomerIdentifier(IdentifierTypes.Twitter, "783214"), result);
    }

    [Fact]
    public void Twitter_ids_with_leading_zeros_are_the_same_id()
    {
        var result = Accepted(Us.Normalize(new CustomerIdentifier("twitter", "00783214")));

        Assert.Equal("783214", result.Value);
    }

    [Theory]
    [InlineData("@jack")]
    [InlineData("jack")]
    [InlineData("12a34")]
    [InlineData("-12")]
    public void Twitter_handle_is_rejected_with_a_reason(string value)
    {
        var problem = Rejected(Us.Normalize(new CustomerIdentifier("twitter", value)));

        Assert.Contains("numeric user id", problem, StringComparison.Ordinal);
        Assert.Contains("handle", problem, StringComparison.Ordinal);
    }

    // --- external records and unknown types ---

    [Fact]
    public void External_record_type_is_accepted_with_its_value_as_given()
    {
        var result = Accepted(Us.Normalize(new CustomerIdentifier("salesforce:contact", " 0035g00000AbCdE ")));

        Assert.Equal(new CustomerIdentifier("salesforce:contact", "0035g00000AbCdE"), result);
    }

    [Fact]
    public void External_record_type_is_lower_cased()
    {
        var result = Accepted(Us.Normalize(new CustomerIdentifier("Salesforce:Contact", "0035g00000AbCdE")));

        Assert.Equal(IdentifierTypes.ExternalRecord("salesforce", "contact"), result.Type);
        Assert.Equal("0035g00000AbCdE", result.Value);
    }

    [Fact]
    public void External_record_value_longer_than_the_store_keeps_is_rejected_naming_the_limit()
    {
        Assert.NotNull(Us.Normalize(new CustomerIdentifier("shop:user", new string('7', TouchpointLimits.IdentifierValueLength))).Identifier);

        var problem = Rejected(Us.Normalize(new CustomerIdentifier("shop:user", new string('7', TouchpointLimits.IdentifierValueLength + 1))));

        Assert.Contains($"longer than {TouchpointLimits.IdentifierValueLength}", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void External_record_type_longer_than_the_store_keeps_is_rejected_naming_the_limit()
    {
        var type = "shop:" + new string('u', TouchpointLimits.IdentifierTypeLength);

        var problem = Rejected(Us.Normalize(new CustomerIdentifier(type, "42")));

        Assert.Contains($"longer than {TouchpointLimits.IdentifierTypeLength}", problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("fax")]
    [InlineData("mail")]
    [InlineData(":contact")]
    [InlineData("salesforce:")]
    [InlineData("salesforce:contact:extra")]
    public void Unknown_identifier_type_is_rejected_naming_the_type(string type)
    {
        var problem = Rejected(Us.Normalize(new CustomerIdentifier(type, "42")));

        Assert.Contains($"'{type}'", problem, StringComparison.Ordinal);
        Assert.Contains("not an identifier type", problem, StringComparison.Ordinal);
    }
}
