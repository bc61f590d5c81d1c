// Verifies the portal's webhook signature (X-Signature); run it to check the known answer.
// Go 1.18 or later, standard library only: `go run verify.go` prints `ok`. The lines between
// `BEGIN verify` and `END verify` are what a receiver needs; `main` only checks them.
package main

// BEGIN verify
import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"strings"
)

// END verify

import (
	"fmt"
	"os"
)

// BEGIN verify
const toleranceSeconds = 300 // refuse a `t` more than 5 minutes away from now

// Verify reports whether header (the X-Signature value) signs rawBody, the request body's
// bytes exactly as received, with secret, at a t within 5 minutes of now (Unix seconds).
func Verify(secret, header string, rawBody []byte, now int64) bool {
	t := ""
	var signatures [][]byte
	for _, part := range strings.Split(header, ",") {
		key, value, found := strings.Cut(part, "=")
		if !found {
			return false
		}
		switch key {
		case "t":
			if t != "" || !isDigits(value) {
				return false
			}
			t = value
		case "v1":
			signatures = append(signatures, []byte(value))
		}
	}
	if t == "" || len(signatures) == 0 {
		return false
	}
	sent, err := strconv.ParseInt(t, 10, 64)
	if err != nil || sent-now > toleranceSeconds || now-sent > toleranceSeconds {
		return false
	}
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(t + "."))
	mac.Write(rawBody)
	expected := []byte(hex.EncodeToString(mac.Sum(nil)))
	for _, s := range signatures {
		if hmac.Equal(expected, s) {
			return true
		}
	}
	return false
}

func isDigits(s string) bool {
	if len(s) == 0 || len(s) > 15 {
		return false
	}
	for _, c := range []byte(s) {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// END verify

func main() {
	sig := "05b728475104591e6ba9301ccd86c0f18c79ea7330ef9b9869435607a745d2bf"
	header := "t=1700000000,v1=" + sig
	body := []byte(`{"id":1}`)
	type testCase struct {
		name      string
		got, want bool
	}
	cases := []testCase{
		{"valid", Verify("Jefe", header, body, 1700000100), true},
		{"valid at the edge of the window", Verify("Jefe", header, body, 1700000300), true},
		{"valid with a sender's clock ahead", Verify("Jefe", header, body, 1699999700), true},
		{"another secret", Verify("jefe", header, body, 1700000100), false},
		{"a changed body", Verify("Jefe", header, []byte(`{"id":2}`), 1700000100), false},
		{"a re-serialised body", Verify("Jefe", header, []byte(`{"id": 1}`), 1700000100), false},
		{"a changed t", Verify("Jefe", "t=1700000001,v1="+sig, body, 1700000100), false},
		{"too old", Verify("Jefe", header, body, 1700000400), false},
		{"just too old", Verify("Jefe", header, body, 1700000301), false},
		{"from the future", Verify("Jefe", header, body, 1699999000), false},
	}
	malformed := []string{
		"", "garbage", "t=1700000000", "v1=" + sig, "t=,v1=" + sig, "t=1700000000,v1=",
		"t=abc,v1=" + sig, "t=+1700000000,v1=" + sig, "t=1700000000;v1=" + sig,
		"t=1700000000,t=1700000000,v1=" + sig, "t=1700000000,v1=" + sig + ",",
		"t=1700000000,v1=" + strings.ToUpper(sig), "t=1700000000,v1=" + sig[1:],
		"t=1700000000,v1=" + strings.Repeat("é", 64), "t=١٧٠٠٠٠٠٠٠٠,v1=" + sig, "t=1700000000\n,v1=" + sig,
	}
	for _, h := range malformed {
		cases = append(cases, testCase{fmt.Sprintf("malformed %q", h), Verify("Jefe", h, body, 1700000100), false})
	}
	failed := false
	for _, c := range cases {
		if c.got != c.want {
			fmt.Fprintln(os.Stderr, "FAILED:", c.name)
			failed = true
		}
	}
	if failed {
		os.Exit(1)
	}
	fmt.Println("ok")
}
