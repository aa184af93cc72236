using Hub.Contracts.Identity;
using System.Globalization;

namespace Hub.Contracts.Connectors;

/// <summary>Checks settings against a connector's option descriptors, then the connector's own rules.</summary>
public static class ConnectorSettingsValidator
{
    /// <summary>One message per problem; empty when the settings are valid.</summary>
    public static IReadOnlyList<string> Validate(IConnector connector, ConnectorSettings settings)
    {
        ArgumentNullException.ThrowIfNull(connector);
        ArgumentNullException.ThrowIfNull(settings);
        var problems = new List<string>();
        foreach (var option in connector.Descriptor.Options)
        {
            var value = settings.Get(option.Name);
            if (value is null)
            {
                if (option.Required && option.DefaultValue is null)
                {
                    problems.Add($"'{option.Name}' is required: {option.Description}");
                }
                continue;
            }
            if (TypeProblem(option, value) is { } problem)
            {
                problems.Add(problem);
            }
        }
        if (problems.Count == 0)
        {
            problems.AddRange(connector.Validate(settings));
        }
        return problems;
    }

    private static string? TypeProblem(ConnectorOptionDescriptor option, string value) => option.Type switch
    {
        ConnectorOptionType.Integer when !int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out _) =>
            $"'{option.Name}' must be a whole number.",
        ConnectorOptionType.Boolean when !bool.TryParse(value, out _) =>
            $"'{option.Name}' must be true or false.",
        ConnectorOptionType.PhoneRegion when !PhoneRegion.IsValid(value) =>
            $"'{option.Name}' must be an ISO 3166 two-letter region such as US or ES (got '{value}').",
        ConnectorOptionType.Url when !Uri.TryCreate(value, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps) =>
            $"'{option.Name}' must be an absolute http or https URL.",
        _ => null,
    };

}
