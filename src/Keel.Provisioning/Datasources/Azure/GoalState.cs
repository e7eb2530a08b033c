using System.Text;
using System.Xml;

namespace Keel.Provisioning.Datasources.Azure;

/// <summary>The parts of the wireserver goal state a health report needs.</summary>
public sealed record GoalState(string Incarnation, string ContainerId, string InstanceId)
{
    private const int MaxDepth = 32;

    /// <summary>Parses a GoalState document; throws InvalidDataException naming <paramref name="source"/>.</summary>
    public static GoalState Parse(string xml, string source)
    {
        string? incarnation = null, container = null, instance = null;
        var settings = new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null, IgnoreComments = true, MaxCharactersInDocument = RetryingHttp.MaxResponseBytes };
        try
        {
            using var reader = XmlReader.Create(new StringReader(xml), settings);
            var path = new List<string>();
            while (reader.Read())
            {
                if (reader.NodeType == XmlNodeType.EndElement)
                {
                    path.RemoveAt(path.Count - 1);
                    continue;
                }

                if (reader.NodeType != XmlNodeType.Element)
                {
                    continue;
                }

                if (reader.Depth > MaxDepth)
                {
                    throw new InvalidDataException($"{source}: XML nested deeper than {MaxDepth}");
                }

                var here = string.Join('/', path) + "/" + reader.LocalName;
                if (reader.IsEmptyElement)
                {
                    continue;
                }

                switch (here)
                {
                    case "GoalState/Incarnation":
                        incarnation = reader.ReadElementContentAsString().Trim();
                        continue;
                    case "GoalState/Container/ContainerId":
                        container = reader.ReadElementContentAsString().Trim();
                        continue;
                    case "GoalState/Container/RoleInstanceList/RoleInstance/InstanceId":
                        instance ??= reader.ReadElementContentAsString().Trim();
                        continue;
                }

                path.Add(reader.LocalName);
            }
        }
        catch (XmlException ex)
        {
            throw new InvalidDataException($"{source}: malformed goal state XML: {ex.Message}", ex);
        }

        return new GoalState(
            incarnation ?? throw new InvalidDataException($"{source}: goal state has no Incarnation"),
            container ?? throw new InvalidDataException($"{source}: goal state has no Container/ContainerId"),
            instance ?? throw new InvalidDataException($"{source}: goal state has no RoleInstance/InstanceId"));
    }

    /// <summary>The Health document for POST /machine?comp=health: Ready, or NotReady with a ProvisioningFailed sub-status.</summary>
    public string HealthReport(string? failureDescription)
    {
        using var buffer = new MemoryStream();
        using (var writer = XmlWriter.Create(buffer, new XmlWriterSettings { Indent = true, Encoding = new UTF8Encoding(false) }))
        {
            writer.WriteStartDocument();
            writer.WriteStartElement("Health");
            writer.WriteAttributeString("xmlns", "xsi", null, "http://www.w3.org/2001/XMLSchema-instance");
            writer.WriteAttributeString("xmlns", "xsd", null, "http://www.w3.org/2001/XMLSchema");
            writer.WriteElementString("GoalStateIncarnation", Incarnation);
            writer.WriteStartElement("Container");
            writer.WriteElementString("ContainerId", ContainerId);
            writer.WriteStartElement("RoleInstanceList");
            writer.WriteStartElement("Role");
            writer.WriteElementString("InstanceId", InstanceId);
            writer.WriteStartElement("Health");
            writer.WriteElementString("State", failureDescription is null ? "Ready" : "NotReady");
            if (failureDescription is not null)
            {
                writer.WriteStartElement("Details");
                writer.WriteElementString("SubStatus", "ProvisioningFailed");
                writer.WriteElementString("Description", failureDescription);
                writer.WriteEndElement();
            }

            writer.WriteEndDocument();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }
}
