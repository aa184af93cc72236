using System.Text.Json;
using Hub.Infrastructure.Persistence;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Hub.Server.Api.Operations;

/// <summary>A failed message in a list: what failed where, why, and what became of it.</summary>
internal sealed record FailedMessageView(
    long Id, string Queue, string MessageType, Guid? MessageId, string Status, string ExceptionType, string Reason,
    int Attempts, DateTimeOffset FirstFailedAt, DateTimeOffset LastFailedAt, DateTimeOffset? ReplayedAt, DateTimeOffset? DiscardedAt)
{
    public static FailedMessageView From(FailedMessageRow row) => new(
        row.Id, row.Queue, row.MessageType, row.MessageId, row.Status, row.ExceptionType, row.ExceptionMessage,
        row.Attempts, row.FirstFailedAt, row.LastFailedAt, row.ReplayedAt, row.DiscardedAt);

    public static ProblemHttpResult NotFound(long id) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Failed message not found", detail: $"There is no failed message {id}.");

    public static ProblemHttpResult NotFailed(FailedMessageRow row, string action) =>
        TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: $"Cannot {action}",
            detail: $"Failed message {row.Id} is {row.Status}; only a failed message can be {action}ed.");
}

/// <summary>One failed message with the message itself and its headers, as replay will send them.</summary>
internal sealed record FailedMessageDetail(FailedMessageView Failure, JsonElement Message, JsonElement Headers)
{
    public static FailedMessageDetail From(FailedMessageRow row) =>
        new(FailedMessageView.From(row), JsonSerializer.Deserialize<JsonElement>(row.Body), JsonSerializer.Deserialize<JsonElement>(row.Headers));
}

internal sealed record FailedMessagePage(IReadOnlyList<FailedMessageView> Items, string? NextCursor);

internal sealed record ReplayAllResponse(int Replayed);
