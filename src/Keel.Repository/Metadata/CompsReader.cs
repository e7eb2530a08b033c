using System.Globalization;
using System.Xml;
using Keel.Repository.Xml;

namespace Keel.Repository.Metadata;

/// <summary>
/// Reads comps (group) XML. Like libcomps it is lenient about what it does not understand: unknown elements,
/// stray text and unparseable booleans (read as false) are ignored; a group, environment or category without
/// an id, and XML that is not well-formed, are errors.
/// </summary>
public static class CompsReader
{
    /// <summary>Largest decompressed comps document accepted.</summary>
    public const long MaxCharacters = 512L * 1024 * 1024;

    /// <summary>Parses a decompressed comps document; <paramref name="name"/> names it in errors.</summary>
    public static CompsDocument Read(Stream xml, string name)
    {
        var nt = new NameTable();
        using var xr = MetadataXmlReader.Create(xml, MetadataXml.Settings(nt, MaxCharacters, ignoreDoctype: true), name);
        var ctx = new Context(xr, name);
        var groups = new List<CompsGroup>();
        var environments = new List<CompsEnvironment>();
        var categories = new List<CompsCategory>();
        try
        {
            if (!xr.ReadToFollowing("comps"))
            {
                throw new InvalidDataException($"{name}: not a comps document (no <comps> element)");
            }

            ctx.ForEachChild(() =>
            {
                switch (xr.LocalName)
                {
                    case "group":
                        groups.Add(ReadGroup(ctx));
                        break;
                    case "environment":
                        environments.Add(ReadEnvironment(ctx));
                        break;
                    case "category":
                        categories.Add(ReadCategory(ctx));
                        break;
                    default:
                        ctx.Skip();
                        break;
                }
            });
        }
        catch (XmlException ex)
        {
            throw MetadataXml.Malformed(name, ex);
        }

        return new CompsDocument(groups, environments, categories);
    }

    private static CompsGroup ReadGroup(Context ctx)
    {
        var xr = ctx.Reader;
        var where = MetadataXml.Where(xr);
        string? id = null, name = null, description = null, langOnly = null;
        bool isDefault = false, userVisible = true;
        var packages = new List<CompsPackage>();
        ctx.ForEachChild(() =>
        {
            switch (xr.LocalName)
            {
                case "id":
                    id = ctx.Text();
                    break;
                case "name":
                    ctx.Untranslated(ref name);
                    break;
                case "description":
                    ctx.Untranslated(ref description);
                    break;
                case "default":
                    isDefault = ParseBool(ctx.Text(), false);
                    break;
                case "uservisible":
                    userVisible = ParseBool(ctx.Text(), true);
                    break;
                case "langonly":
                    langOnly = ctx.Text();
                    break;
                case "packagelist":
                    ctx.ForEachChild(() =>
                    {
                        if (xr.LocalName != "packagereq")
                        {
                            ctx.Skip();
                            return;
                        }

                        var type = xr.GetAttribute("type") switch
                        {
                            "default" => CompsPackageType.Default,
                            "optional" => CompsPackageType.Optional,
                            "conditional" => CompsPackageType.Conditional,
                            _ => CompsPackageType.Mandatory,
                        };
                        var requires = xr.GetAttribute("requires");
                        var basearch = xr.GetAttribute("basearchonly");
                        var pkg = ctx.Text();
                        if (pkg.Length > 0)
                        {
                            packages.Add(new CompsPackage(pkg, type, string.IsNullOrEmpty(requires) ? null : requires, string.IsNullOrEmpty(basearch) ? null : basearch));
                        }
                    });
                    break;
                default:
                    ctx.Skip();
                    break;
            }
        });
        return new CompsGroup(Required(id, "group", ctx.Name, where), name, description, isDefault, userVisible, packages, langOnly);
    }

    private static CompsEnvironment ReadEnvironment(Context ctx)
    {
        var xr = ctx.Reader;
        var where = MetadataXml.Where(xr);
        var common = new GroupingFields();
        var options = new List<CompsEnvironmentOption>();
        ctx.ForEachChild(() =>
        {
            if (common.TryRead(ctx))
            {
                return;
            }

            if (xr.LocalName != "optionlist")
            {
                ctx.Skip();
                return;
            }

            ctx.ForEachChild(() =>
            {
                if (xr.LocalName != "groupid")
                {
                    ctx.Skip();
                    return;
                }

                bool isDefault = ParseBool(xr.GetAttribute("default"), false);
                var gid = ctx.Text();
                if (gid.Length > 0)
                {
                    options.Add(new CompsEnvironmentOption(gid, isDefault));
                }
            });
        });
        return new CompsEnvironment(Required(common.Id, "environment", ctx.Name, where), common.Name, common.Description, common.Order, common.Groups, options);
    }

    private static CompsCategory ReadCategory(Context ctx)
    {
        var where = MetadataXml.Where(ctx.Reader);
        var common = new GroupingFields();
        ctx.ForEachChild(() =>
        {
            if (!common.TryRead(ctx))
            {
                ctx.Skip();
            }
        });
        return new CompsCategory(Required(common.Id, "category", ctx.Name, where), common.Name, common.Description, common.Order, common.Groups);
    }

    /// <summary>The elements environments and categories share: id, name, description, display_order and a grouplist.</summary>
    private sealed class GroupingFields
    {
        private string? _name;
        private string? _description;

        public string? Id { get; private set; }

        public string? Name => _name;

        public string? Description => _description;

        public int? Order { get; private set; }

        public List<string> Groups { get; } = [];

        /// <summary>Reads the current element if it is one of the shared ones; false leaves it to the caller.</summary>
        public bool TryRead(Context ctx)
        {
            switch (ctx.Reader.LocalName)
            {
                case "id":
                    Id = ctx.Text();
                    return true;
                case "name":
                    ctx.Untranslated(ref _name);
                    return true;
                case "description":
                    ctx.Untranslated(ref _description);
                    return true;
                case "display_order":
                    Order = ParseInt(ctx.Text());
                    return true;
                case "grouplist":
                    ReadGroupIds(ctx, Groups);
                    return true;
                default:
                    return false;
            }
        }
    }

    private static void ReadGroupIds(Context ctx, List<string> into) => ctx.ForEachChild(() =>
    {
        if (ctx.Reader.LocalName != "groupid")
        {
            ctx.Skip();
            return;
        }

        var gid = ctx.Text();
        if (gid.Length > 0)
        {
            into.Add(gid);
        }
    });

    private static string Required(string? id, string what, string name, string where) =>
        string.IsNullOrEmpty(id) ? throw new InvalidDataException($"{name}: {what} without an <id> at {where}") : id;

    // libcomps reads "true" (any case) as true and everything else as false.
    private static bool ParseBool(string? text, bool missing) =>
        text is null ? missing : text.Trim().Equals("true", StringComparison.OrdinalIgnoreCase) || text.Trim() == "1";

    private static int? ParseInt(string text) =>
        int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var v) ? v : null;

    /// <summary>The reader plus the element-walking helpers every comps element uses.</summary>
    private sealed class Context(XmlReader reader, string name)
    {
        private char[] _buffer = new char[256];

        public XmlReader Reader { get; } = reader;

        public string Name { get; } = name;

        /// <summary>Calls <paramref name="onChild"/> positioned on each child element; it must consume that element.</summary>
        public void ForEachChild(Action onChild)
        {
            foreach (var _ in MetadataXml.ChildElements(Reader, Name))
            {
                onChild();
            }
        }

        public string Text() => MetadataXml.ReadText(Reader, ref _buffer, Name).Trim().ToString();

        /// <summary>Keeps the untranslated text (no xml:lang) and skips translations.</summary>
        public void Untranslated(ref string? target)
        {
            if (Reader.XmlLang.Length > 0 && Reader.GetAttribute("xml:lang") is not null)
            {
                Skip();
                return;
            }

            var text = Text();
            target ??= text;
        }

        public void Skip() => MetadataXml.SkipElement(Reader, Name);
    }
}
