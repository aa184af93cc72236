using System.Text;
using MimeKit.Text;

namespace Hub.Connectors.Email.Reading;

/// <summary>HTML to plain text for the excerpt: text and line breaks, no markup, no scripts or styles.</summary>
internal static class HtmlText
{
    private static readonly HashSet<string> Breaks = new(StringComparer.OrdinalIgnoreCase) { "br", "p", "div", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote" };

    public static string ToText(string html)
    {
        var text = new StringBuilder();
        var tokenizer = new HtmlTokenizer(new StringReader(html)) { DecodeCharacterReferences = true };
        var skipping = 0;
        while (tokenizer.ReadNextToken(out var token))
        {
            switch (token)
            {
                case HtmlTagToken tag when tag.Name is "script" or "style" or "head":
                    skipping += tag.IsEndTag ? -1 : tag.IsEmptyElement ? 0 : 1;
                    break;
                case HtmlTagToken tag when Breaks.Contains(tag.Name):
                    text.Append('\n');
                    break;
                case HtmlDataToken data when skipping <= 0:
                    text.Append(data.Data);
                    break;
            }
        }
        return text.ToString();
    }
}
