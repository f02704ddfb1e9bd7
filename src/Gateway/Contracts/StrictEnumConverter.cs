using System.Collections.Frozen;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace MachineGrid.Gateway;

/// <summary>
/// Reads enums only as the exact, case-sensitive names API.md spells (<c>"Desktop"</c>, never <c>" Desktop"</c>,
/// <c>"desktop"</c>, <c>"1"</c>, <c>1</c> or <c>"Attended, Unattended"</c>); writes them as their names, exactly as
/// <see cref="JsonStringEnumConverter"/> does. The zero <c>None</c> member of a <see cref="FlagsAttribute"/> enum is no value a
/// client may send.
/// </summary>
public sealed class StrictEnumConverter : JsonConverterFactory
{
    /// <inheritdoc />
    public override bool CanConvert(Type typeToConvert) => typeToConvert.IsEnum;

    /// <inheritdoc />
    public override JsonConverter? CreateConverter(Type typeToConvert, JsonSerializerOptions options) =>
        (JsonConverter?)Activator.CreateInstance(typeof(StrictEnumConverter<>).MakeGenericType(typeToConvert), options);

    /// <summary>The names a request may carry for the enum, in value order: every name but the zero member of a flags enum.</summary>
    public static IReadOnlyList<string> AcceptedNames(Type enumType)
    {
        var flags = enumType.IsDefined(typeof(FlagsAttribute), inherit: false);
        var zero = Enum.ToObject(enumType, 0);
        return [.. Enum.GetNames(enumType).Where(name => !(flags && Enum.Parse(enumType, name).Equals(zero)))];
    }

    /// <summary>
    /// An OpenAPI schema transformer: this converter is no <see cref="JsonStringEnumConverter"/>, so the generated schema of an
    /// enum would say nothing of its values; it gets <c>type: string</c> and the accepted names.
    /// </summary>
    public static Task DescribeEnumSchema(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken cancellationToken)
    {
        if (EnumOf(context.JsonTypeInfo.Type) is { } type)
        {
            schema.Type = JsonSchemaType.String;
            schema.Enum = Names(type);
        }
        else if (schema.Items is null && context.JsonTypeInfo.ElementType is { } element && EnumOf(element) is { } item)
        {
            // A list of enums (principal roles): the exporter leaves its items out altogether.
            schema.Items = new OpenApiSchema { Type = JsonSchemaType.String, Enum = Names(item) };
        }
        return Task.CompletedTask;

        static Type? EnumOf(Type type) => (Nullable.GetUnderlyingType(type) ?? type) is { IsEnum: true } e ? e : null;

        static List<JsonNode> Names(Type type) => [.. AcceptedNames(type).Select(name => (JsonNode)JsonValue.Create(name))];
    }
}

/// <summary>The strict converter for one enum; see <see cref="StrictEnumConverter"/>.</summary>
/// <typeparam name="TEnum">The enum.</typeparam>
public sealed class StrictEnumConverter<TEnum> : JsonConverter<TEnum> where TEnum : struct, Enum
{
    private const int MaxQuotedLength = 64;

    private static readonly IReadOnlyList<string> Accepted = StrictEnumConverter.AcceptedNames(typeof(TEnum));

    private static readonly FrozenDictionary<string, TEnum> ByName = Accepted.ToFrozenDictionary(name => name, Enum.Parse<TEnum>, StringComparer.Ordinal);

    private static readonly string Names = string.Join(", ", Accepted);

    private readonly JsonConverter<TEnum> names;

    /// <summary>Creates the converter; writing is delegated to the standard string converter.</summary>
    public StrictEnumConverter(JsonSerializerOptions options) =>
        names = (JsonConverter<TEnum>)new JsonStringEnumConverter<TEnum>(namingPolicy: null, allowIntegerValues: false).CreateConverter(typeof(TEnum), options);

    /// <summary>Parses an exact name, as a query string value or a JSON string holds it.</summary>
    public static bool TryParse(string? text, out TEnum value) => ByName.TryGetValue(text ?? "", out value);

    /// <summary>Why <paramref name="text"/> was refused, with the value cut short and quoted as JSON.</summary>
    public static string Refusal(string text) => $"{Quote(text)} is not accepted; use exactly one of {Names} (case-sensitive).";

    /// <inheritdoc />
    public override TEnum Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.String)
        {
            var what = reader.TokenType switch
            {
                JsonTokenType.Number => "a number",
                JsonTokenType.True or JsonTokenType.False => "a boolean",
                JsonTokenType.Null => "null",
                JsonTokenType.StartObject => "an object",
                JsonTokenType.StartArray => "an array",
                _ => "this value",
            };
            throw new StrictEnumException($"{what} is not accepted; use exactly one of {Names} as a string (case-sensitive).");
        }
        var text = reader.GetString()!;
        return TryParse(text, out var value) ? value : throw new StrictEnumException(Refusal(text));
    }

    /// <inheritdoc />
    public override TEnum ReadAsPropertyName(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var text = reader.GetString()!;
        return TryParse(text, out var value) ? value : throw new StrictEnumException(Refusal(text));
    }

    /// <inheritdoc />
    public override void Write(Utf8JsonWriter writer, TEnum value, JsonSerializerOptions options) => names.Write(writer, value, options);

    /// <inheritdoc />
    public override void WriteAsPropertyName(Utf8JsonWriter writer, TEnum value, JsonSerializerOptions options) =>
        names.WriteAsPropertyName(writer, value, options);

    private static string Quote(string text)
    {
        if (text.Length > MaxQuotedLength)
        {
            var cut = char.IsHighSurrogate(text[MaxQuotedLength - 1]) ? MaxQuotedLength - 1 : MaxQuotedLength;
            text = text[..cut] + "…";
        }
        return $"\"{JsonEncodedText.Encode(text, JavaScriptEncoder.UnsafeRelaxedJsonEscaping).Value}\"";
    }
}

/// <summary>An enum value that is not an exact name; the gateway adds the JSON path of the field to the problem's detail.</summary>
public sealed class StrictEnumException(string message) : JsonException(message);
