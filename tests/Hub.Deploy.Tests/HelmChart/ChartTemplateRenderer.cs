using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.Serialization;

namespace Hub.Deploy.Tests.HelmChart;

/// <summary>
/// Renders the hub's Helm chart where no <c>helm</c> binary is installed: Go template actions with Helm's whitespace
/// trimming (<c>{{-</c>, <c>-}}</c>), <c>define</c>/<c>include</c>, <c>if</c>/<c>else</c>/<c>end</c>,
/// <c>range $k, $v :=</c>, pipelines, and the functions the chart uses (<c>quote</c>, <c>nindent</c>, <c>indent</c>,
/// <c>toYaml</c>, <c>default</c>, <c>replace</c>, <c>not</c>, <c>required</c>). Anything else is an error, never silently skipped, so a
/// template using more than this fails the test until the renderer learns it (or helm is installed).
/// </summary>
internal sealed partial class ChartTemplateRenderer
{
    private static readonly JsonSerializerOptions Quoting = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private readonly Dictionary<string, List<Node>> _defines = new(StringComparer.Ordinal);
    private readonly Dictionary<string, object?> _root;

    public ChartTemplateRenderer(string chartDirectory, string releaseName, IReadOnlyDictionary<string, object?>? valueOverrides = null)
    {
        var chart = ReadYaml(Path.Combine(chartDirectory, "Chart.yaml"));
        var values = ReadYaml(Path.Combine(chartDirectory, "values.yaml"));
        // As helm's --set: a dotted key sets a value inside the maps it names.
        foreach (var (key, value) in valueOverrides ?? new Dictionary<string, object?>())
        {
            var path = key.Split('.');
            var map = values;
            foreach (var segment in path[..^1])
            {
                map = map.GetValueOrDefault(segment) as Dictionary<string, object?> ?? (Dictionary<string, object?>)(map[segment] = new Dictionary<string, object?>(StringComparer.Ordinal));
            }
            map[path[^1]] = value;
        }
        _root = new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["Values"] = values,
            ["Release"] = new Dictionary<string, object?> { ["Name"] = releaseName, ["Namespace"] = "default" },
            ["Chart"] = new Dictionary<string, object?> { ["Name"] = chart["name"], ["Version"] = chart["version"], ["AppVersion"] = chart["appVersion"] },
        };
        TemplatesDirectory = Path.Combine(chartDirectory, "templates");
        foreach (var helpers in Directory.GetFiles(TemplatesDirectory, "_*.tpl"))
        {
            Parse(File.ReadAllText(helpers));
        }
    }

    private string TemplatesDirectory { get; }

    /// <summary>Each template's output, by file name (as <c>helm template</c> prints them under <c># Source:</c>).</summary>
    public Dictionary<string, string> RenderAll() =>
        Directory.GetFiles(TemplatesDirectory, "*.yaml").Order(StringComparer.Ordinal)
            .ToDictionary(f => Path.GetFileName(f), f => Render(File.ReadAllText(f)), StringComparer.Ordinal);

    public string Render(string template)
    {
        var output = new StringBuilder();
        Execute(Parse(template), _root, new Dictionary<string, object?>(StringComparer.Ordinal), output);
        return output.ToString();
    }

    /// <summary>A YAML file as dictionaries, lists and strings, merge keys (<c>&lt;&lt;: *anchor</c>) applied.</summary>
    public static Dictionary<string, object?> ReadYaml(string path) => (Dictionary<string, object?>)ParseYaml(File.ReadAllText(path))!;

    public static object? ParseYaml(string yaml) =>
        Normalize(new DeserializerBuilder().Build().Deserialize<object>(new MergingParser(new Parser(new StringReader(yaml)))));

    private abstract record Node;
    private sealed record TextNode(string Text) : Node;
    private sealed record ActionNode(string Pipeline) : Node;
    private sealed record IfNode(string Condition, List<Node> Then, List<Node> Else) : Node;
    private sealed record RangeNode(string? KeyVariable, string ValueVariable, string Pipeline, List<Node> Body) : Node;

    private List<Node> Parse(string template)
    {
        var tokens = Tokenize(template);
        var position = 0;
        var nodes = ParseList(tokens, ref position, out var terminator);
        if (terminator is not null)
        {
            throw new FormatException($"Unexpected {{{{ {terminator} }}}}.");
        }
        return nodes;
    }

    private List<Node> ParseList(List<(bool IsAction, string Text)> tokens, ref int position, out string? terminator)
    {
        var nodes = new List<Node>();
        while (position < tokens.Count)
        {
            var (isAction, text) = tokens[position++];
            if (!isAction)
            {
                nodes.Add(new TextNode(text));
                continue;
            }
            var keyword = text.Split(' ', 2)[0];
            switch (keyword)
            {
                case "end" or "else":
                    terminator = keyword;
                    return nodes;
                case "define":
                    var name = JsonSerializer.Deserialize<string>(text["define".Length..].Trim())!;
                    _defines[name] = ExpectEnd(ParseList(tokens, ref position, out var end), end);
                    break;
                case "if":
                    var then = ParseList(tokens, ref position, out var afterThen);
                    var @else = afterThen == "else" ? ExpectEnd(ParseList(tokens, ref position, out var afterElse), afterElse) : ExpectEnd([], afterThen);
                    nodes.Add(new IfNode(text["if".Length..].Trim(), then, @else));
                    break;
                case "range":
                    var match = RangeClause().Match(text);
                    if (!match.Success)
                    {
                        throw new FormatException($"Unsupported range: {text}");
                    }
                    var body = ExpectEnd(ParseList(tokens, ref position, out var afterBody), afterBody);
                    nodes.Add(new RangeNode(match.Groups["key"].Success ? match.Groups["key"].Value : null, match.Groups["value"].Value, match.Groups["pipeline"].Value, body));
                    break;
                default:
                    nodes.Add(new ActionNode(text));
                    break;
            }
        }
        terminator = null;
        return nodes;
    }

    private static List<Node> ExpectEnd(List<Node> nodes, string? terminator) =>
        terminator == "end" ? nodes : throw new FormatException($"Expected {{{{ end }}}}, found {terminator ?? "the end of the template"}.");

    /// <summary>Text and actions, with Helm's trimming applied: <c>{{-</c> eats the whitespace before, <c>-}}</c> the whitespace after.</summary>
    private static List<(bool IsAction, string Text)> Tokenize(string template)
    {
        var tokens = new List<(bool, string)>();
        var position = 0;
        var trimNextText = false;
        while (position < template.Length)
        {
            var open = template.IndexOf("{{", position, StringComparison.Ordinal);
            var text = open < 0 ? template[position..] : template[position..open];
            if (trimNextText)
            {
                text = text.TrimStart();
            }
            if (open < 0)
            {
                tokens.Add((false, text));
                break;
            }
            var close = template.IndexOf("}}", open, StringComparison.Ordinal);
            var action = template[(open + 2)..close];
            if (action.StartsWith('-'))
            {
                text = text.TrimEnd();
                action = action[1..];
            }
            trimNextText = action.EndsWith('-');
            if (trimNextText)
            {
                action = action[..^1];
            }
            tokens.Add((false, text));
            tokens.Add((true, action.Trim()));
            position = close + 2;
        }
        return tokens;
    }

    private void Execute(List<Node> nodes, object? dot, Dictionary<string, object?> variables, StringBuilder output)
    {
        foreach (var node in nodes)
        {
            switch (node)
            {
                case TextNode text:
                    output.Append(text.Text);
                    break;
                case ActionNode action:
                    output.Append(Print(Evaluate(action.Pipeline, dot, variables)));
                    break;
                case IfNode @if:
                    Execute(IsTrue(Evaluate(@if.Condition, dot, variables)) ? @if.Then : @if.Else, dot, variables, output);
                    break;
                case RangeNode range:
                    foreach (var (key, value) in Items(Evaluate(range.Pipeline, dot, variables)))
                    {
                        var scope = new Dictionary<string, object?>(variables, StringComparer.Ordinal) { [range.ValueVariable] = value };
                        if (range.KeyVariable is not null)
                        {
                            scope[range.KeyVariable] = key;
                        }
                        Execute(range.Body, value, scope, output);
                    }
                    break;
            }
        }
    }

    private object? Evaluate(string pipeline, object? dot, Dictionary<string, object?> variables)
    {
        object? piped = null;
        var first = true;
        foreach (var command in SplitOutsideQuotes(pipeline, '|'))
        {
            var words = SplitOutsideQuotes(command.Trim(), ' ').Where(w => w.Length > 0).ToList();
            var arguments = words.Skip(IsFunction(words[0]) ? 1 : 0).Select(w => Argument(w, dot, variables)).ToList();
            if (!first)
            {
                arguments.Add(piped);
            }
            piped = IsFunction(words[0]) ? Call(words[0], arguments) : arguments.Single();
            first = false;
        }
        return piped;
    }

    private static bool IsFunction(string word) => char.IsLetter(word[0]) && word is not ("true" or "false");

    private object? Call(string function, List<object?> args) => function switch
    {
        "include" => Include((string)args[0]!, args[1]),
        "quote" => JsonSerializer.Serialize(Print(args[0]), Quoting),
        "nindent" => "\n" + Indent(Convert.ToInt32(args[0], CultureInfo.InvariantCulture), Print(args[1])),
        "indent" => Indent(Convert.ToInt32(args[0], CultureInfo.InvariantCulture), Print(args[1])),
        "toYaml" => new SerializerBuilder().Build().Serialize(args[0]).TrimEnd('\n'),
        "default" => IsTrue(args[1]) ? args[1] : args[0],
        "replace" => Print(args[2]).Replace(Print(args[0]), Print(args[1]), StringComparison.Ordinal),
        "not" => !IsTrue(args[0]),
        "required" => IsTrue(args[1]) ? args[1] : throw new ChartRenderException(Print(args[0])),
        _ => throw new NotSupportedException($"The chart renderer does not know the function '{function}'."),
    };

    private string Include(string name, object? dot)
    {
        var output = new StringBuilder();
        Execute(_defines.TryGetValue(name, out var body) ? body : throw new KeyNotFoundException($"No template '{name}' is defined."), dot, new(StringComparer.Ordinal), output);
        return output.ToString();
    }

    private object? Argument(string word, object? dot, Dictionary<string, object?> variables)
    {
        if (word.StartsWith('"'))
        {
            return JsonSerializer.Deserialize<string>(word);
        }
        if (word is "true" or "false")
        {
            return word == "true";
        }
        if (char.IsDigit(word[0]))
        {
            return word;
        }
        var path = word.Split('.');
        // Go semantics: .A.B reads from dot, $x.A from a variable, $ is the chart's root.
        var value = word.StartsWith('$') ? (path[0] == "$" ? _root : variables[path[0]])
            : word.StartsWith('.') ? dot
            : throw new FormatException($"Cannot read '{word}'.");
        foreach (var segment in path.Skip(1).Where(s => s.Length > 0))
        {
            value = value is Dictionary<string, object?> map ? map.GetValueOrDefault(segment) : null;
        }
        return value;
    }

    private static IEnumerable<(object? Key, object? Value)> Items(object? collection) => collection switch
    {
        null => [],
        Dictionary<string, object?> map => map.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => ((object?)kv.Key, kv.Value)),
        List<object?> list => list.Select((v, i) => ((object?)i, v)),
        _ => throw new FormatException($"Cannot range over {collection}."),
    };

    private static bool IsTrue(object? value) => value switch
    {
        null => false,
        bool b => b,
        // YAML's unquoted false arrives here as the string "false" (scalars are kept as strings); helm sees a bool.
        string s => s.Length > 0 && s != "false",
        Dictionary<string, object?> map => map.Count > 0,
        List<object?> list => list.Count > 0,
        _ => true,
    };

    private static string Print(object? value) => value switch
    {
        null => "",
        bool b => b ? "true" : "false",
        _ => Convert.ToString(value, CultureInfo.InvariantCulture)!,
    };

    private static string Indent(int spaces, string text) =>
        string.Join('\n', text.Split('\n').Select(line => new string(' ', spaces) + line));

    private static List<string> SplitOutsideQuotes(string text, char separator)
    {
        var parts = new List<string>();
        var current = new StringBuilder();
        var quoted = false;
        foreach (var c in text)
        {
            if (c == '"')
            {
                quoted = !quoted;
            }
            if (c == separator && !quoted)
            {
                parts.Add(current.ToString());
                current.Clear();
                continue;
            }
            current.Append(c);
        }
        parts.Add(current.ToString());
        return parts;
    }

    /// <summary>YAML maps as string-keyed dictionaries, sequences as lists, scalars as strings (Helm prints numbers as given).</summary>
    private static object? Normalize(object? yaml) => yaml switch
    {
        IDictionary<object, object?> map => map.ToDictionary(kv => Convert.ToString(kv.Key, CultureInfo.InvariantCulture)!, kv => Normalize(kv.Value), StringComparer.Ordinal),
        IList<object?> list => list.Select(Normalize).ToList(),
        _ => yaml,
    };

    [GeneratedRegex(@"^range\s+(?:(?<key>\$\w+)\s*,\s*)?(?<value>\$\w+)\s*:=\s*(?<pipeline>.+)$")]
    private static partial Regex RangeClause();
}

/// <summary>A template failed on purpose (<c>required</c>), as <c>helm template</c> exits with an error.</summary>
internal sealed class ChartRenderException(string message) : Exception(message);
