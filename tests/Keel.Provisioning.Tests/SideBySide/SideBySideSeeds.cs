namespace Keel.Provisioning.Tests.SideBySide;

/// <summary>The NoCloud seeds applied by cloud-init 22.4.2 and keel-agent side by side (also bench/agent's seed: <see cref="Typical"/>).</summary>
internal static class SideBySideSeeds
{
    public const string AliceKey = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIA2tz/ZC+YztapFBiqQbdiCU1RzqDYSnHB3x12IVP9rn alice@example";
    public const string BobKey = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIMnjfYGgiyUpN9XOwys/ZBd2fRNn7ZUJ778uZc/+F5Yp bob@example";
    public const string OpsKey = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAINXO2CNAgPIwafiQqhKQY1PhorgzTV5z3nKexfrptD7P ops@example";
    public const string BobRsaKey = "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAAAgQC6fMIgtficO5/gtXoOhP/PIk3RfQUBfHHqD3/OvMF7VSp8WMNsa0LRTmtiGBNh0MGU4bi+mQRJzjOVSCRNLv46JZWgdq/64ZmrZdr+8QtSuKzs0M+4HfKXGZok/qqKsZkShIjtXGX2Qob+cZyG7y6T9OoVNjKF/Bv1VhbL9sOU/w== bob-rsa@example";

    // crypt("pw", "$6$saltsalt$")
    public const string Hash = "$6$saltsalt$pauPrmdmG4BTE9h2HPmywiw152IFch6BJCEsaY6D.PLTfpV8sqvXwWdyfsgVgozkYH9B80bAip/08R2BPH2xk/";

    /// <summary>The benchmark's typical config: 2 users with keys, 5 files, hostname, runcmd.</summary>
    public const string Typical = $"""
        #cloud-config
        hostname: web1
        fqdn: web1.example.com
        manage_etc_hosts: true
        users:
          - name: alice
            gecos: Alice Example
            groups: [sudo, devs]
            sudo: ALL=(ALL) NOPASSWD:ALL
            shell: /bin/bash
            ssh_authorized_keys: ["{AliceKey}"]
          - name: bob
            groups: users
            lock_passwd: false
            passwd: {Hash}
            ssh_authorized_keys: ["{BobKey}", "{BobRsaKey}"]
        write_files:
          - path: /etc/app/app.conf
            content: |
              [main]
              listen = 0.0.0.0:8080
          - path: /etc/app/secret
            content: c2VjcmV0IHZhbHVlCg==
            encoding: b64
            permissions: '0600'
          - path: /etc/app/blob.gz.txt
            encoding: gz+b64
            content: H4sIAAAAAAAAA8tIzcnJBwCGphA2BQAAAA==
            permissions: '0640'
          - path: /srv/www/index.html
            content: <h1>web1</h1>
            owner: www-data:www-data
          - path: /home/bob/notes.txt
            content: bob's notes
            owner: bob:bob
            permissions: '0600'
            defer: true
        runcmd:
          - [touch, /var/tmp/runcmd-list-form]
          - id -u alice > /var/tmp/alice-uid
          - [sh, -c, 'echo "bob is in $(id -Gn bob)" > /var/tmp/bob-groups']
        """;

    /// <summary>The distribution's default user (Debian's cloud.cfg), keys from meta-data and user data, root's keys behind disable_root.</summary>
    public const string DefaultUser = $"""
        #cloud-config
        ssh_authorized_keys:
          - {OpsKey}
        """;

    public const string DefaultUserMeta = $"""
        instance-id: iid-default-user
        local-hostname: meta-host
        public-keys:
          - {AliceKey}
        """;

    /// <summary>Groups with members, system users, explicit ids, homes, primary groups, sudo lists and no sudo.</summary>
    public const string Accounts = $"""
        #cloud-config
        groups:
          - admins: [root]
          - empty-group
        users:
          - default
          - name: svc
            system: true
            shell: /usr/sbin/nologin
          - name: carol
            uid: 2001
            homedir: /opt/carol
            primary_group: admins
            groups: [users, admins]
            lock_passwd: false
            hashed_passwd: {Hash}
            sudo: ["ALL=(ALL) ALL", "ALL=(root) NOPASSWD: /usr/bin/true"]
          - name: dave
            no_user_group: true
            no_create_home: true
            sudo: false
        """;

    /// <summary>write_files encodings, integer permissions, appends, nested directories, other owners, deferred files.</summary>
    public const string Files = """
        #cloud-config
        write_files:
          - path: /etc/motd
            content: "appended line\n"
            append: true
          - path: /opt/deep/nested/dir/file.txt
            content: nested
          - path: /etc/app/int-perms
            content: "int"
            permissions: 0755
          - path: /etc/app/binary
            content: !!binary |
              AAECAwQFBgcICQ==
          - path: /etc/app/by-nobody
            content: owned
            owner: nobody:nogroup
          - path: /etc/app/gzip
            encoding: gzip
            content: !!binary |
              H4sIAAAAAAAAA8tIzcnJBwCGphA2BQAAAA==
          - path: /var/tmp/deferred
            content: later
            defer: true
        """;

    /// <summary>Hostname only from meta-data, manage_etc_hosts: localhost.</summary>
    public const string HostsLocalhost = """
        #cloud-config
        manage_etc_hosts: localhost
        fqdn: db1.internal.example
        """;

    /// <summary>MIME multipart: a cloud-config part and a shell script part run by scripts_user.</summary>
    public const string Multipart = """
        Content-Type: multipart/mixed; boundary="==BOUNDARY=="
        MIME-Version: 1.0

        --==BOUNDARY==
        Content-Type: text/cloud-config; charset="us-ascii"

        #cloud-config
        hostname: mime-host
        runcmd:
          - echo from-runcmd > /var/tmp/mime-runcmd

        --==BOUNDARY==
        Content-Type: text/x-shellscript; charset="us-ascii"
        Content-Disposition: attachment; filename="hello.sh"

        #!/bin/sh
        echo "script ran as $(id -un)" > /var/tmp/mime-script
        --==BOUNDARY==--
        """;

    public static string Meta(string instanceId, string hostname = "node1") => $"instance-id: {instanceId}\nlocal-hostname: {hostname}\n";
}
