using System.Text;

namespace MachineGrid.Client;

/// <summary>Builds a query string from the parameters that are set.</summary>
internal sealed class QueryString
{
    private readonly StringBuilder builder = new();

    /// <summary>Adds <paramref name="name"/>=<paramref name="value"/> unless the value is null.</summary>
    public QueryString Add(string name, string? value)
    {
        if (value is not null)
        {
            builder.Append(builder.Length == 0 ? '?' : '&')
                .Append(Uri.EscapeDataString(name))
                .Append('=')
                .Append(Uri.EscapeDataString(value));
        }
        return this;
    }

    /// <summary>Adds an integer parameter unless it is null.</summary>
    public QueryString Add(string name, int? value) =>
        Add(name, value?.ToString(System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>The query string, with its leading <c>?</c>, or empty.</summary>
    public override string ToString() => builder.ToString();
}
