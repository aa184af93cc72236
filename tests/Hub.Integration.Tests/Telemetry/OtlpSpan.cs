using System.Text;

namespace Hub.Integration.Tests.Telemetry;

/// <summary>
/// One span of an OTLP <c>ExportTraceServiceRequest</c>, read straight from the protobuf wire format
/// (opentelemetry-proto: trace/v1/trace.proto) for the fields the tests look at.
/// </summary>
internal sealed record OtlpSpan(string Scope, string TraceId, string SpanId, string ParentSpanId, string Name, int Kind, IReadOnlyDictionary<string, string> Attributes)
{
    public const int Server = 2;
    public const int Client = 3;
    public const int Producer = 4;
    public const int Consumer = 5;

    public static IEnumerable<OtlpSpan> ReadExportRequest(byte[] body)
    {
        // ExportTraceServiceRequest.resource_spans = 1 → ResourceSpans.scope_spans = 2 → ScopeSpans { scope = 1, spans = 2 }
        foreach (var resourceSpans in Fields(body).Where(f => f.Number == 1))
        {
            foreach (var scopeSpans in Fields(resourceSpans.Bytes).Where(f => f.Number == 2))
            {
                var fields = Fields(scopeSpans.Bytes).ToList();
                var scope = fields.Where(f => f.Number == 1).Select(f => Text(Fields(f.Bytes), 1)).FirstOrDefault() ?? "";
                foreach (var span in fields.Where(f => f.Number == 2))
                {
                    yield return ReadSpan(scope, span.Bytes);
                }
            }
        }
    }

    private static OtlpSpan ReadSpan(string scope, byte[] bytes)
    {
        var fields = Fields(bytes).ToList();
        var attributes = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var attribute in fields.Where(f => f.Number == 9))
        {
            // KeyValue { key = 1; AnyValue value = 2 { string_value = 1; bool_value = 2; int_value = 3; ... } }
            var keyValue = Fields(attribute.Bytes).ToList();
            var value = keyValue.Where(f => f.Number == 2).Select(f => Fields(f.Bytes).FirstOrDefault()).FirstOrDefault();
            attributes[Text(keyValue, 1) ?? ""] = value.Number switch
            {
                1 => Encoding.UTF8.GetString(value.Bytes),
                2 or 3 => value.Varint.ToString(System.Globalization.CultureInfo.InvariantCulture),
                _ => "",
            };
        }
        return new OtlpSpan(
            scope,
            Hex(fields, 1),
            Hex(fields, 2),
            Hex(fields, 4),
            Text(fields, 5) ?? "",
            (int)(fields.FirstOrDefault(f => f.Number == 6).Varint),
            attributes);
    }

    private static string Hex(List<Field> fields, int number) =>
        fields.Where(f => f.Number == number).Select(f => Convert.ToHexStringLower(f.Bytes)).FirstOrDefault() ?? "";

    private static string? Text(IEnumerable<Field> fields, int number) =>
        fields.Where(f => f.Number == number).Select(f => Encoding.UTF8.GetString(f.Bytes)).FirstOrDefault();

    private readonly record struct Field(int Number, ulong Varint, byte[] Bytes);

    private static List<Field> Fields(byte[] message)
    {
        var fields = new List<Field>();
        var position = 0;
        while (position < message.Length)
        {
            var tag = ReadVarint(message, ref position);
            var number = (int)(tag >> 3);
            switch (tag & 7)
            {
                case 0:
                    fields.Add(new Field(number, ReadVarint(message, ref position), []));
                    break;
                case 1:
                    fields.Add(new Field(number, BitConverter.ToUInt64(message, position), message[position..(position + 8)]));
                    position += 8;
                    break;
                case 2:
                    var length = (int)ReadVarint(message, ref position);
                    fields.Add(new Field(number, 0, message[position..(position + length)]));
                    position += length;
                    break;
                case 5:
                    fields.Add(new Field(number, BitConverter.ToUInt32(message, position), message[position..(position + 4)]));
                    position += 4;
                    break;
                default:
                    throw new InvalidDataException($"Unexpected protobuf wire type {tag & 7} at {position}.");
            }
        }
        return fields;
    }

    private static ulong ReadVarint(byte[] message, ref int position)
    {
        ulong value = 0;
        for (var shift = 0; ; shift += 7)
        {
            var b = message[position++];
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return value;
            }
        }
    }
}
