// Verifies the portal's webhook signature (X-Signature); run it to check the known answer.
// .NET 6 or later, no packages. `dotnet run Verify.cs` (.NET 10) prints `ok`; with an older SDK,
// put this file alone in a console project (`dotnet new console`, delete Program.cs) and
// `dotnet run`. The lines between `BEGIN verify` and `END verify` are what a receiver needs;
// the class `Program` only checks them.

// BEGIN verify
using System;
using System.Collections.Generic;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

public static class WebhookSignature
{
    const long ToleranceSeconds = 300; // refuse a `t` more than 5 minutes away from now

    // Whether `header` (the X-Signature value) signs `rawBody`, the request body's bytes
    // exactly as received, with `secret`, at a `t` within 5 minutes of `now` (Unix seconds).
    public static bool Verify(string secret, string header, byte[] rawBody, long now)
    {
        string t = ""; // empty until the header names it
        var signatures = new List<byte[]>();
        foreach (var part in header.Split(','))
        {
            int i = part.IndexOf('=');
            if (i < 0) return false;
            string key = part.Substring(0, i);
            string value = part.Substring(i + 1);
            if (key == "t")
            {
                if (t.Length > 0 || !IsDigits(value)) return false;
                t = value;
            }
            else if (key == "v1")
            {
                signatures.Add(Encoding.UTF8.GetBytes(value));
            }
        }
        if (t.Length == 0 || signatures.Count == 0) return false;
        long sent = long.Parse(t, NumberStyles.None, CultureInfo.InvariantCulture);
        if (Math.Abs(now - sent) > ToleranceSeconds) return false;
        byte[] signed = new byte[t.Length + 1 + rawBody.Length];
        Encoding.ASCII.GetBytes(t + ".", 0, t.Length + 1, signed, 0);
        Buffer.BlockCopy(rawBody, 0, signed, t.Length + 1, rawBody.Length);
        byte[] digest;
        using (var hmac = new HMACSHA256(Encoding.UTF8.GetBytes(secret)))
        {
            digest = hmac.ComputeHash(signed);
        }
        var expected = Encoding.ASCII.GetBytes(BitConverter.ToString(digest).Replace("-", "").ToLowerInvariant());
        foreach (var s in signatures)
        {
            if (CryptographicOperations.FixedTimeEquals(expected, s)) return true;
        }
        return false;
    }

    static bool IsDigits(string s)
    {
        if (s.Length == 0 || s.Length > 15) return false;
        foreach (char c in s)
        {
            if (c < '0' || c > '9') return false;
        }
        return true;
    }
}
// END verify

public static class Program
{
    public static int Main()
    {
        const string sig = "05b728475104591e6ba9301ccd86c0f18c79ea7330ef9b9869435607a745d2bf";
        string header = "t=1700000000,v1=" + sig;
        byte[] body = Encoding.UTF8.GetBytes("{\"id\":1}");
        var cases = new List<(string Name, bool Got, bool Want)>
        {
            ("valid", WebhookSignature.Verify("Jefe", header, body, 1700000100), true),
            ("valid at the edge of the window", WebhookSignature.Verify("Jefe", header, body, 1700000300), true),
            ("valid with a sender's clock ahead", WebhookSignature.Verify("Jefe", header, body, 1699999700), true),
            ("another secret", WebhookSignature.Verify("jefe", header, body, 1700000100), false),
            ("a changed body", WebhookSignature.Verify("Jefe", header, Encoding.UTF8.GetBytes("{\"id\":2}"), 1700000100), false),
            ("a re-serialised body", WebhookSignature.Verify("Jefe", header, Encoding.UTF8.GetBytes("{\"id\": 1}"), 1700000100), false),
            ("a changed t", WebhookSignature.Verify("Jefe", "t=1700000001,v1=" + sig, body, 1700000100), false),
            ("too old", WebhookSignature.Verify("Jefe", header, body, 1700000400), false),
            ("just too old", WebhookSignature.Verify("Jefe", header, body, 1700000301), false),
            ("from the future", WebhookSignature.Verify("Jefe", header, body, 1699999000), false),
        };
        string[] malformed =
        {
            "", "garbage", "t=1700000000", "v1=" + sig, "t=,v1=" + sig, "t=1700000000,v1=",
            "t=abc,v1=" + sig, "t=+1700000000,v1=" + sig, "t=1700000000;v1=" + sig,
            "t=1700000000,t=1700000000,v1=" + sig, "t=1700000000,v1=" + sig + ",",
            "t=1700000000,v1=" + sig.ToUpperInvariant(), "t=1700000000,v1=" + sig.Substring(1),
            "t=1700000000,v1=" + new string('é', 64), "t=١٧٠٠٠٠٠٠٠٠,v1=" + sig,
            "t=1700000000\n,v1=" + sig,
        };
        foreach (var h in malformed)
        {
            cases.Add(("malformed \"" + h + "\"", WebhookSignature.Verify("Jefe", h, body, 1700000100), false));
        }
        bool failed = false;
        foreach (var c in cases)
        {
            if (c.Got != c.Want)
            {
                Console.Error.WriteLine("FAILED: " + c.Name);
                failed = true;
            }
        }
        if (failed) return 1;
        Console.WriteLine("ok");
        return 0;
    }
}
