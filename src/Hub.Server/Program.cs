using Hub.Connectors.Email;
using Hub.Connectors.Pbx;
using Hub.Connectors.Salesforce;
using Hub.Connectors.Twilio;
using Hub.Connectors.Twitter;
using Hub.Connectors.Webhooks;
using Hub.Infrastructure.Erasure;
using Hub.Infrastructure.Messaging;
using Hub.Infrastructure.Outbound;
using Hub.Infrastructure.Persistence;
using Hub.Infrastructure.Polling;
using Hub.Server.Admin;
using Hub.Server.Api.Context;
using Hub.Server.Api.Customers;
using Hub.Server.Api.Identity;
using Hub.Server.Api.Messages;
using Hub.Server.Api.Operations;
using Hub.Server.Api.Privacy;
using Hub.Server.Api.RelationshipHealth;
using Hub.Server.Health;
using Hub.Server.Hosting;
using Hub.Server.Identity;
using Hub.Server.Ingress;
using Hub.Server.OpenApi;
using Hub.Server.RemoteConnectors;
using Hub.Server.Security;
using Hub.Server.Telemetry;
using Microsoft.Extensions.Options;

// Configuration files are read once at start. Reloading them on change means watching the content root and all
// below it, and in embedded mode the database (data/hub.db) lives there: every SQLite write woke the watcher.
var builder = WebApplication.CreateBuilder(new WebApplicationOptions
{
    Args = ["--hostBuilder:reloadConfigOnChange=false", .. args],
    ContentRootPath = ContentRoot.Choose(args, Directory.GetCurrentDirectory(), AppContext.BaseDirectory, Environment.GetEnvironmentVariable),
});

// Before the services are registered: their checks can stop the start, and a typo is most worth seeing then.
ConfigurationCheck.WarnAboutUnknownKeys(builder.Configuration);

try
{
    builder.Services.AddHostedService<StartupReport>(); // first among the hosted services: it speaks before a migration or the broker can fail the start
    builder.Services.AddHubPersistence(builder.Configuration);
    builder.Services.AddHubMessaging(builder.Configuration);
    builder.Services.AddHubOutboundHttp(builder.Configuration);
    builder.Services.AddHubPolling(builder.Configuration);
    builder.Services.AddHubIdentity(builder.Configuration);
    builder.Services.AddHubApiKeys(builder.Configuration);
    builder.Services.AddHubForwardedHeaders(builder.Configuration);
    builder.Services.AddHubAdminUi(builder.Configuration);
    builder.Services.AddHubHealth();
    builder.Services.AddHubTelemetry(builder.Configuration);
    builder.Services.AddHubMessages(builder.Configuration);
    builder.Services.AddHubErasure(builder.Configuration);
    builder.Services.AddCustomerContext(builder.Configuration);
    builder.Services.AddRelationshipHealth(builder.Configuration);
    builder.Services.AddHubProblemDetails();
    builder.Services.AddOpenApi(options => options.AddApiKeySecurity());

    // The connectors: the only place the host names them.
    builder.Services.AddWebhooksConnector();
    builder.Services.AddSalesforceConnector();
    builder.Services.AddTwilioConnector();
    builder.Services.AddPbxConnector();
    builder.Services.AddTwitterConnector();
    builder.Services.AddEmailConnector();
    builder.Services.AddRemoteConnectors(); // any language, in its own process, behind the gateway

    var app = builder.Build();

    // The options validated at start (ValidateOnStart), checked before the host starts: it would log their failure with a stack trace.
    app.Services.GetService<IStartupValidator>()?.Validate();

    // First: everything after it (webhook URLs, Secure cookies, sign-in limits, the gateway's X-Forwarded-*) sees the client's
    // scheme, host and address when a trusted proxy forwarded the request.
    app.UseForwardedHeaders();
    app.UseExceptionHandler();
    // An admin page's bare status code (404 for an unknown customer) is shown as a page in the admin layout; the API keeps problem+json.
    app.UseWhen(context => context.Request.Path.StartsWithSegments("/admin"), admin => admin.UseStatusCodePagesWithReExecute("/admin/status/{0}"));
    app.UseWhen(context => !context.Request.Path.StartsWithSegments("/admin"), other => other.UseStatusCodePages());
    // Routing after the status code pages, so that a re-executed request is routed to its page again.
    app.UseRouting();
    app.UseRateLimiter();
    app.UseAuthentication();
    app.UseAuthorization();

    app.MapOpenApi();
    app.MapHubHealth();
    app.MapHubMetrics();
    app.MapWebhookIngress();
    app.MapRemoteConnectors();
    app.MapCustomersApi();
    app.MapCustomerContextApi();
    app.MapRelationshipHealthApi();
    app.MapIdentityReviewApi();
    app.MapMessagesApi();
    app.MapPrivacyApi();
    app.MapFailedMessagesApi();
    app.MapHubAdminUi();

    app.Run();
}
catch (Exception e) when (ConfigurationCheck.HubIsTheProcess && ConfigurationCheck.IsConfigurationError(e))
{
    // The operator's mistake, not a crash: its message and exit code 78, without the stack trace.
    return ConfigurationCheck.Stop(builder.Configuration, e);
}

return 0;

/// <summary>The entry point, visible to the integration tests' WebApplicationFactory.</summary>
public partial class Program;
