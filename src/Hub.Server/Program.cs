using Hub.Connectors.Pbx;
using Hub.Connectors.Salesforce;
using Hub.Connectors.Twilio;
using Hub.Connectors.Twitter;
using Hub.Connectors.Webhooks;
using Hub.Infrastructure.Messaging;
using Hub.Infrastructure.Outbound;
using Hub.Infrastructure.Persistence;
using Hub.Infrastructure.Polling;
using Hub.Server.Api.Context;
using Hub.Server.Api.Customers;
using Hub.Server.Api.Identity;
using Hub.Server.Api.Messages;
using Hub.Server.Api.Operations;
using Hub.Server.Api.RelationshipHealth;
using Hub.Server.Health;
using Hub.Server.Identity;
using Hub.Server.Ingress;
using Hub.Server.Security;

var builder = WebApplication.CreateBuilder(args);

builder.Services.AddHubPersistence(builder.Configuration);
builder.Services.AddHubMessaging(builder.Configuration);
builder.Services.AddHubOutboundHttp(builder.Configuration);
builder.Services.AddHubPolling(builder.Configuration);
builder.Services.AddHubIdentity(builder.Configuration);
builder.Services.AddHubApiKeys(builder.Configuration);
builder.Services.AddHubHealth();
builder.Services.AddHubMessages();
builder.Services.AddCustomerContext(builder.Configuration);
builder.Services.AddRelationshipHealth(builder.Configuration);
builder.Services.AddProblemDetails();
builder.Services.AddOpenApi();

// The connectors: the only place the host names them.
builder.Services.AddWebhooksConnector();
builder.Services.AddSalesforceConnector();
builder.Services.AddTwilioConnector();
builder.Services.AddPbxConnector();
builder.Services.AddTwitterConnector();

var app = builder.Build();

app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseAuthentication();
app.UseAuthorization();

app.MapOpenApi();
app.MapHubHealth();
app.MapWebhookIngress();
app.MapCustomersApi();
app.MapCustomerContextApi();
app.MapRelationshipHealthApi();
app.MapIdentityReviewApi();
app.MapMessagesApi();
app.MapFailedMessagesApi();

app.Run();

/// <summary>The entry point, visible to the integration tests' WebApplicationFactory.</summary>
public partial class Program;
