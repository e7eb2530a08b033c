namespace Keel.Rpm;

/// <summary>The data types of header entries (rpm's rpmTagType values).</summary>
public enum RpmTagType
{
    Null = 0,
    Char = 1,
    Int8 = 2,
    Int16 = 3,
    Int32 = 4,
    Int64 = 5,
    String = 6,
    Binary = 7,
    StringArray = 8,
    I18nString = 9,
}
