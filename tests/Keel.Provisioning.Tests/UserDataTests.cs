using System.IO.Compression;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Keel.Errors;
using Keel.Provisioning.Config;
using Keel.Provisioning.UserData;
using Keel.Tests;

namespace Keel.Provisioning.Tests;

/// <summary>User-data processing over cloud-init's own samples and hand-built MIME/gzip/base64/include inputs.</summary>
public sealed class UserDataTests
{
    private static byte[] Oracle(params string[] parts) => File.ReadAllBytes(TestPaths.Oracle(parts));

    [Fact]
    public void Multipart_sample_with_nested_archive_is_walked()
    {
        var result = new UserDataProcessor().Process(Oracle("cloud-init-HEAD", "tests", "data", "filter_cloud_multipart_2.email"), "email2");
        Assert.Empty(result.Diagnostics);
        Assert.Equal([UserDataTypes.CloudConfig, "plain/text", UserDataTypes.CloudConfig], result.Parts.Select(p => p.ContentType));
        Assert.Equal(["part-001", "b3.txt", "part-003"], result.Parts.Select(p => p.Filename));
        Assert.Equal(3, result.Parts[1].LaunchIndex);
        var assembled = AssembledUserData.FromParts(result.Parts, "email2");
        Assert.Equal("""{"b":"c","launch-index":2}""", CloudJson.Serialize(assembled.CloudConfig, false));
        Assert.Contains(assembled.Diagnostics, d => d.Message.Contains("plain/text", StringComparison.Ordinal));
    }

    [Fact]
    public void Single_part_mime_with_launch_index_header()
    {
        var result = new UserDataProcessor().Process(Oracle("cloud-init-HEAD", "tests", "data", "filter_cloud_multipart_header.email"), "hdr");
        var part = Assert.Single(result.Parts);
        Assert.Equal(UserDataTypes.CloudConfig, part.ContentType);
        Assert.Equal(5, part.LaunchIndex);
    }

    [Fact]
    public void Cloud_config_archive_samples_explode_into_typed_parts()
    {
        var archive = new UserDataProcessor().Process(Oracle("cloud-init-HEAD", "doc", "examples", "cloud-config-archive.txt"), "archive");
        Assert.Equal(["foo/wark", UserDataTypes.Plain, UserDataTypes.Plain, UserDataTypes.CloudConfig], archive.Parts.Select(p => p.ContentType));
        Assert.Equal("bar", archive.Parts[0].Filename);
        Assert.Equal("This is my payload\nhello\n", archive.Parts[0].Text);

        var filtered = new UserDataProcessor().Process(Oracle("cloud-init-HEAD", "tests", "data", "filter_cloud_multipart.yaml"), "filter");
        Assert.Equal(8, filtered.Parts.Count);
        Assert.Equal(UserDataTypes.ShellScript, filtered.Parts[5].ContentType);
        Assert.Equal(1, filtered.Parts[7].LaunchIndex);
        var merged = AssembledUserData.FromParts(filtered.Parts, "filter").CloudConfig;
        Assert.Equal("true", merged.GetString("blah"));
    }

    [Fact]
    public void Plain_text_is_ignored_with_a_warning()
    {
        var assembled = AssembledUserData.FromBlob(Oracle("cloud-init-HEAD", "doc", "examples", "plain-ignored.txt"), "plain", null);
        Assert.Equal(0, assembled.CloudConfig.Count);
        Assert.Single(assembled.Diagnostics);
    }

    [Fact]
    public void Gzip_and_base64_user_data_are_detected()
    {
        var text = "#cloud-config\nhostname: zipped\n";
        var gz = Gzip(Encoding.UTF8.GetBytes(text));
        Assert.Equal("zipped", AssembledUserData.FromBlob(gz, "gz", null).CloudConfig.GetString("hostname"));
        var b64 = Encoding.ASCII.GetBytes(Convert.ToBase64String(Encoding.UTF8.GetBytes(text)));
        Assert.Equal("zipped", AssembledUserData.FromBlob(b64, "b64", null).CloudConfig.GetString("hostname"));
        var b64gz = Encoding.ASCII.GetBytes(Convert.ToBase64String(gz));
        Assert.Equal("zipped", AssembledUserData.FromBlob(b64gz, "b64gz", null).CloudConfig.GetString("hostname"));

        var corrupt = gz[..(gz.Length / 2)];
        var bad = AssembledUserData.FromBlob(corrupt, "truncated.gz", null);
        Assert.Contains(bad.Diagnostics, d => d.Severity == Severity.Error && d.Message.StartsWith("truncated.gz", StringComparison.Ordinal));
    }

    [Fact]
    public void Mime_parts_with_base64_transfer_encoding_and_merge_type()
    {
        var body = Convert.ToBase64String(Encoding.UTF8.GetBytes("#cloud-config\nl: [2]\n"));
        var mime = $"MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: text/cloud-config\n\nl: [1]\n--b\nContent-Type: text/cloud-config\nMerge-Type: list(append)+dict(recurse_array)\nContent-Transfer-Encoding: base64\n\n{body}\n--b--\n";
        var assembled = AssembledUserData.FromBlob(Encoding.UTF8.GetBytes(mime), "mime", null);
        Assert.Equal("""{"l":[1,2]}""", CloudJson.Serialize(assembled.CloudConfig, false));
    }

    [Fact]
    public void Include_fetches_file_urls_and_loopback_http_only()
    {
        using var dir = new TempDir();
        var included = Path.Combine(dir.Path, "inc.yaml");
        File.WriteAllText(included, "#cloud-config\nhostname: from-file\n");
        using var server = new OneShotHttpServer("#cloud-config\nruncmd: [from-http]\n");
        var userData = $"#include\nfile://{included}\n{server.Url}\nhttp://192.0.2.1/never\n";
        var assembled = AssembledUserData.FromBlob(Encoding.UTF8.GetBytes(userData), "inc", new LocalIncludeFetcher(TimeSpan.FromSeconds(5)));
        Assert.Equal("from-file", assembled.CloudConfig.GetString("hostname"));
        Assert.Equal("""["from-http"]""", CloudJson.Serialize(assembled.CloudConfig["runcmd"], false));
        Assert.Contains(assembled.Diagnostics, d => d.Message.Contains("192.0.2.1", StringComparison.Ordinal) && d.Message.Contains("loopback", StringComparison.Ordinal));
    }

    [Fact]
    public void Include_cycles_stop_at_the_depth_limit()
    {
        using var dir = new TempDir();
        var self = Path.Combine(dir.Path, "self");
        File.WriteAllText(self, $"#include file://{self}\n");
        var assembled = AssembledUserData.FromBlob(File.ReadAllBytes(self), "loop", new LocalIncludeFetcher());
        Assert.Contains(assembled.Diagnostics, d => d.Message.Contains("nesting deeper", StringComparison.Ordinal));
    }

    [Fact]
    public void Scripts_and_unsupported_types_are_sorted_out()
    {
        var mime = "MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=\"==x==\"\n\n--==x==\nContent-Type: text/x-shellscript\n\n#!/bin/sh\necho hi\n--==x==\nContent-Type: text/plain\n\n#cloud-boothook\necho boot\n--==x==\nContent-Type: text/plain\n\n#Cloud-Config\na: 1\n--==x==--\n";
        var assembled = AssembledUserData.FromBlob(Encoding.UTF8.GetBytes(mime), "mix", null);
        var script = Assert.Single(assembled.Scripts);
        Assert.Equal("#!/bin/sh\necho hi", script.Text);
        Assert.Equal("1", assembled.CloudConfig.GetString("a"));
        Assert.Contains(assembled.Diagnostics, d => d.Message.Contains("cloud-boothook", StringComparison.Ordinal));
    }

    private static byte[] Gzip(byte[] data)
    {
        using var ms = new MemoryStream();
        using (var gz = new GZipStream(ms, CompressionLevel.Fastest))
        {
            gz.Write(data);
        }

        return ms.ToArray();
    }

    private sealed class TempDir : IDisposable
    {
        public string Path { get; } = Directory.CreateTempSubdirectory("keel-ud-").FullName;

        public void Dispose() => Directory.Delete(Path, recursive: true);
    }

    /// <summary>A loopback HTTP server answering every request with one body.</summary>
    private sealed class OneShotHttpServer : IDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private readonly Task _loop;

        public OneShotHttpServer(string body)
        {
            _listener.Start();
            Url = $"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/user-data";
            _loop = Task.Run(async () =>
            {
                using var client = await _listener.AcceptTcpClientAsync();
                var stream = client.GetStream();
                var buffer = new byte[4096];
                _ = await stream.ReadAsync(buffer);
                var payload = Encoding.UTF8.GetBytes(body);
                await stream.WriteAsync(Encoding.ASCII.GetBytes($"HTTP/1.1 200 OK\r\nContent-Length: {payload.Length}\r\nConnection: close\r\n\r\n"));
                await stream.WriteAsync(payload);
            });
        }

        public string Url { get; }

        public void Dispose()
        {
            _listener.Stop();
            try
            {
                _loop.Wait(TimeSpan.FromSeconds(5));
            }
            catch (AggregateException)
            {
                // The listener was stopped before a request came.
            }
        }
    }
}
