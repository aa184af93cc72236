namespace Hub.Core.RelationshipHealth;

/// <summary>
/// The stored form: a version byte, then per channel its counts, first and last contact and its turns as
/// varint deltas (a few bytes each), then per case its key, opening, latest touchpoint and type.
/// </summary>
public sealed partial class HealthState
{
    private const byte FormatVersion = 1;

    public byte[] Encode()
    {
        using var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream))
        {
            writer.Write(FormatVersion);
            writer.Write7BitEncodedInt(_channels.Count);
            foreach (var (name, channel) in _channels)
            {
                writer.Write(name);
                writer.Write7BitEncodedInt(channel.Inbound);
                writer.Write7BitEncodedInt(channel.Outbound);
                writer.Write(channel.FirstTicks);
                writer.Write(channel.LastTicks);
                writer.Write7BitEncodedInt(channel.Turns.Count);
                var previous = 0L;
                foreach (var turn in channel.Turns)
                {
                    writer.Write7BitEncodedInt64(turn - previous);
                    previous = turn;
                }
            }
            writer.Write7BitEncodedInt(_cases.Count);
            foreach (var (key, state) in _cases)
            {
                writer.Write(key);
                writer.Write(state.OpenedTicks);
                writer.Write(state.LatestTicks);
                writer.Write(state.LatestType);
            }
        }
        return stream.ToArray();
    }

    public static HealthState Decode(byte[]? encoded)
    {
        var state = new HealthState();
        if (encoded is null || encoded.Length == 0)
        {
            return state;
        }
        using var reader = new BinaryReader(new MemoryStream(encoded));
        var version = reader.ReadByte();
        if (version != FormatVersion)
        {
            throw new InvalidDataException($"Relationship-health state of format {version} is not readable by this version of the hub.");
        }
        for (var channels = reader.Read7BitEncodedInt(); channels > 0; channels--)
        {
            var name = reader.ReadString();
            var channel = new ChannelState { Inbound = reader.Read7BitEncodedInt(), Outbound = reader.Read7BitEncodedInt() };
            channel.FirstTicks = reader.ReadInt64();
            channel.LastTicks = reader.ReadInt64();
            var turns = reader.Read7BitEncodedInt();
            channel.Turns.Capacity = turns;
            var previous = 0L;
            for (var i = 0; i < turns; i++)
            {
                previous += reader.Read7BitEncodedInt64();
                channel.Turns.Add(previous);
            }
            state._channels[name] = channel;
        }
        for (var cases = reader.Read7BitEncodedInt(); cases > 0; cases--)
        {
            var key = reader.ReadString();
            state._cases[key] = new CaseState(reader.ReadInt64(), reader.ReadInt64(), reader.ReadString());
        }
        return state;
    }
}
