namespace Hub.Server.Hosting;

/// <summary>
/// A request the endpoint could not even bind (a body that is not JSON, <c>"status": 5</c> where a string belongs, a
/// query parameter of the wrong type) answers 400 problem+json whose <c>detail</c> says what is wrong and where
/// (the JSON path), as the handlers' own 400s do. Routing reports it as an exception so its message reaches the
/// problem; it is the client's mistake, so it is not logged as the hub's error.
/// </summary>
internal static class BadRequestProblems
{
    public static IServiceCollection AddHubProblemDetails(this IServiceCollection services)
    {
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        services.Configure<ExceptionHandlerOptions>(o =>
        {
            o.StatusCodeSelector = e => e is BadHttpRequestException bad ? bad.StatusCode : StatusCodes.Status500InternalServerError;
            o.SuppressDiagnosticsCallback = c => c.Exception is BadHttpRequestException;
        });
        return services.AddProblemDetails(o => o.CustomizeProblemDetails = context =>
        {
            if (context.Exception is BadHttpRequestException bad && context.ProblemDetails.Detail is null)
            {
                context.ProblemDetails.Detail = BindingErrorWording.Describe(bad);
            }
        });
    }
}
