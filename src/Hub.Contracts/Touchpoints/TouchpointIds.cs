using System.Security.Cryptography;
using System.Text;

namespace Hub.Contracts.Touchpoints;

/// <summary>Derives the deterministic touchpoint id, so a re-sent event maps onto the same timeline entry.</summary>
public static class TouchpointIds
{
    /// <summary>A name-based UUID (RFC 9562 version 8, SHA-256) of connector instance and source event id.</summary>
    public static Guid From(string connectorInstanceId, string sourceEventId)
    {
        ArgumentException.ThrowIfNullOrEmpty(connectorInstanceId);
        ArgumentException.ThrowIfNullOrEmpty(sourceEventId);
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"{connectorInstanceId.Length}:{connectorInstanceId}:{sourceEventId}"));
        var bytes = hash.AsSpan(0, 16);
        bytes[6] = (byte)((bytes[6] & 0x0F) | 0x80);
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
        return new Guid(bytes, bigEndian: true);
    }
}
