using System.Diagnostics.CodeAnalysis;
using System.Reflection;
using Keel.Config.Model;

namespace Keel.Config.Loading;

/// <summary>Maps model properties and enum members to their YAML spellings (camelCase keys, <see cref="ConfigValueAttribute"/> values).</summary>
public static class ConfigNames
{
    /// <summary>What binding a model class needs kept after trimming: its parameterless constructor and its properties.</summary>
    public const DynamicallyAccessedMemberTypes ModelMembers = DynamicallyAccessedMemberTypes.PublicParameterlessConstructor | DynamicallyAccessedMemberTypes.PublicProperties;

    /// <summary>What reading an enum's YAML spellings needs kept: its fields, which carry <see cref="ConfigValueAttribute"/>.</summary>
    public const DynamicallyAccessedMemberTypes EnumMembers = DynamicallyAccessedMemberTypes.PublicFields;

    /// <summary>The YAML key of a model property.</summary>
    public static string Key(PropertyInfo property) => char.ToLowerInvariant(property.Name[0]) + property.Name[1..];

    /// <summary>The settable properties of a model type, as the binder sees them.</summary>
    public static IEnumerable<PropertyInfo> Properties(Type type) =>
        Model(type).GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite && p.CanRead);

    /// <summary>The YAML spelling of every member of <paramref name="enumType"/>, in declaration order.</summary>
    public static IReadOnlyList<string> EnumValues(Type enumType) =>
        Model(enumType).GetFields(BindingFlags.Public | BindingFlags.Static).Select(f => f.GetCustomAttribute<ConfigValueAttribute>()?.Name ?? f.Name).ToList();

    /// <summary>The YAML spelling of one enum value.</summary>
    public static string EnumValue<T>(T value) where T : struct, Enum => EnumValue(typeof(T), value);

    /// <summary>The YAML spelling of one enum value.</summary>
    public static string EnumValue(Type enumType, object value)
    {
        var field = Model(enumType).GetField(Enum.GetName(enumType, value) ?? throw new ArgumentException($"{value} is not a {enumType.Name}", nameof(value)))!;
        return field.GetCustomAttribute<ConfigValueAttribute>()?.Name ?? field.Name;
    }

    /// <summary>Parses a YAML enum spelling; exact match only.</summary>
    public static bool TryParseEnum(Type enumType, string text, out object? value)
    {
        foreach (var field in Model(enumType).GetFields(BindingFlags.Public | BindingFlags.Static))
        {
            if ((field.GetCustomAttribute<ConfigValueAttribute>()?.Name ?? field.Name) == text)
            {
                value = field.GetValue(null);
                return true;
            }
        }

        value = null;
        return false;
    }

    /// <summary>The element type of a List&lt;T&gt; property, or null.</summary>
    public static Type? ListElement(Type type) =>
        type.IsGenericType && type.GetGenericTypeDefinition() == typeof(List<>) ? type.GetGenericArguments()[0] : null;

    /// <summary>
    /// The one place the trimming analysis cannot follow. Binding and writing walk the model by reflection below the root
    /// type: property types (PropertyInfo.PropertyType), List&lt;T&gt;'s T, Nullable&lt;T&gt;'s T, object.GetType() of a value,
    /// none of which carries an annotation. What makes that safe is that the model is closed: the binder only descends
    /// into classes of Keel.Config.Model (ConfigBinder.IsModelClass), lists of them and enums, and a trimmed keel keeps
    /// every type of that namespace whole (src/Keel.Cli/ILLink.Descriptors.xml). From here on the annotations carry
    /// the requirement to each reflection call, so a new one that needs more members is reported.
    /// </summary>
    [UnconditionalSuppressMessage("Trimming", "IL2068", Justification = "Keel.Config.Model types are kept whole by the trimmed app's descriptor (src/Keel.Cli/ILLink.Descriptors.xml).")]
    [return: DynamicallyAccessedMembers(ModelMembers | EnumMembers)]
    internal static Type Model(Type type) => type;
}
