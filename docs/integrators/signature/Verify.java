// Verifies the portal's webhook signature (`X-Signature`); run it to check the known answer.
// JDK 17, no libraries: `java Verify.java` prints `ok`. The lines between `BEGIN verify` and
// `END verify` are what a receiver needs; the class `Verify` only checks them.

// BEGIN verify
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
// END verify

public class Verify {
    public static void main(String[] args) throws GeneralSecurityException {
        String sig = "05b728475104591e6ba9301ccd86c0f18c79ea7330ef9b9869435607a745d2bf";
        String header = "t=1700000000,v1=" + sig;
        byte[] body = "{\"id\":1}".getBytes(StandardCharsets.UTF_8);
        List<String> failed = new ArrayList<>();
        check(failed, "valid", WebhookSignature.verify("Jefe", header, body, 1700000100L), true);
        check(failed, "valid at the edge of the window", WebhookSignature.verify("Jefe", header, body, 1700000300L), true);
        check(failed, "valid with a sender's clock ahead", WebhookSignature.verify("Jefe", header, body, 1699999700L), true);
        check(failed, "another secret", WebhookSignature.verify("jefe", header, body, 1700000100L), false);
        check(failed, "a changed body", WebhookSignature.verify("Jefe", header, utf8("{\"id\":2}"), 1700000100L), false);
        check(failed, "a re-serialised body", WebhookSignature.verify("Jefe", header, utf8("{\"id\": 1}"), 1700000100L), false);
        check(failed, "a changed t", WebhookSignature.verify("Jefe", "t=1700000001,v1=" + sig, body, 1700000100L), false);
        check(failed, "too old", WebhookSignature.verify("Jefe", header, body, 1700000400L), false);
        check(failed, "just too old", WebhookSignature.verify("Jefe", header, body, 1700000301L), false);
        check(failed, "from the future", WebhookSignature.verify("Jefe", header, body, 1699999000L), false);
        String[] malformed = {
            "", "garbage", "t=1700000000", "v1=" + sig, "t=,v1=" + sig, "t=1700000000,v1=",
            "t=abc,v1=" + sig, "t=+1700000000,v1=" + sig, "t=1700000000;v1=" + sig,
            "t=1700000000,t=1700000000,v1=" + sig, "t=1700000000,v1=" + sig + ",",
            "t=1700000000,v1=" + sig.toUpperCase(), "t=1700000000,v1=" + sig.substring(1),
            "t=1700000000,v1=" + "é".repeat(64), "t=١٧٠٠٠٠٠٠٠٠,v1=" + sig, "t=1700000000\n,v1=" + sig,
        };
        for (String h : malformed) {
            check(failed, "malformed \"" + h + "\"", WebhookSignature.verify("Jefe", h, body, 1700000100L), false);
        }
        for (String name : failed) {
            System.err.println("FAILED: " + name);
        }
        if (!failed.isEmpty()) {
            System.exit(1);
        }
        System.out.println("ok");
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static void check(List<String> failed, String name, boolean got, boolean want) {
        if (got != want) {
            failed.add(name);
        }
    }
}

// BEGIN verify
final class WebhookSignature {
    static final long TOLERANCE_SECONDS = 300; // refuse a `t` more than 5 minutes away from now

    /**
     * Whether {@code header} (the X-Signature value) signs {@code rawBody}, the request body's
     * bytes exactly as received, with {@code secret}, at a {@code t} within 5 minutes of
     * {@code now} (Unix seconds).
     */
    static boolean verify(String secret, String header, byte[] rawBody, long now)
            throws GeneralSecurityException {
        String t = null;
        List<byte[]> signatures = new ArrayList<>();
        for (String part : header.split(",", -1)) {
            int i = part.indexOf('=');
            if (i < 0) {
                return false;
            }
            String key = part.substring(0, i);
            String value = part.substring(i + 1);
            if (key.equals("t")) {
                if (t != null || !value.matches("[0-9]{1,15}")) {
                    return false;
                }
                t = value;
            } else if (key.equals("v1")) {
                signatures.add(value.getBytes(StandardCharsets.UTF_8));
            }
        }
        if (t == null || signatures.isEmpty() || Math.abs(now - Long.parseLong(t)) > TOLERANCE_SECONDS) {
            return false;
        }
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        mac.update((t + ".").getBytes(StandardCharsets.US_ASCII));
        byte[] expected = HexFormat.of().formatHex(mac.doFinal(rawBody))
                .getBytes(StandardCharsets.US_ASCII);
        for (byte[] s : signatures) {
            if (MessageDigest.isEqual(expected, s)) {
                return true;
            }
        }
        return false;
    }
}
// END verify
