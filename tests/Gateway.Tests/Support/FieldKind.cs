namespace MachineGrid.Gateway.Tests;

/// <summary>What a request body field holds, which decides the values that are certainly refused for it.</summary>
public enum FieldKind
{
    /// <summary>A required display text: refused blank, with control characters or over 200 characters.</summary>
    Name,
    /// <summary>An optional text: refused with control characters or over 2,000 characters.</summary>
    Text,
    /// <summary>A reference to another resource: refused blank, with control characters or over 128 characters.</summary>
    Id,
    /// <summary>A group password: refused under 8 or over 256 characters.</summary>
    Password,
    /// <summary>A credential secret: refused empty.</summary>
    Secret,
    /// <summary>An enum as a string.</summary>
    Enum,
    /// <summary>A list of enum strings.</summary>
    EnumList,
    /// <summary>A 32-bit integer.</summary>
    Int,
    /// <summary>A boolean.</summary>
    Bool,
    /// <summary>Any JSON (run inputs, outputs): never refused for its content.</summary>
    Json,
    /// <summary>A list of ids.</summary>
    IdList,
    /// <summary>A list of names.</summary>
    NameList,
    /// <summary>A nested object.</summary>
    Object,
    /// <summary>A list of nested objects.</summary>
    ObjectList,
}
