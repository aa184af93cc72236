using System.Globalization;

namespace Hub.Connectors.Email.Imap;

/// <summary>
/// Where a mailbox poll stands: the folder's UIDVALIDITY and the last UID taken (<c>3857529045:4391</c>). UIDs are
/// only comparable under the same UIDVALIDITY; a new one means the folder was rebuilt and is read again from the start.
/// </summary>
internal readonly record struct ImapCheckpoint(uint UidValidity, uint LastUid)
{
    public static ImapCheckpoint? Parse(string? text)
    {
        var parts = text?.Split(':');
        return parts is { Length: 2 }
            && uint.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var validity)
            && uint.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var last)
                ? new ImapCheckpoint(validity, last)
                : null;
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{UidValidity}:{LastUid}");
}
