<?php
// Verifies the portal's webhook signature (X-Signature); run it to check the known answer.
// PHP 8.0 or later, no extensions beyond the default `hash`: `php verify.php` prints `ok`.
declare(strict_types=1);

// BEGIN verify
const TOLERANCE_SECONDS = 300; // refuse a `t` more than 5 minutes away from now

/**
 * Whether $header (the X-Signature value) signs $rawBody, the request body's bytes exactly as
 * received (file_get_contents('php://input')), with $secret, at a t within 5 minutes of $now
 * (Unix seconds).
 */
function verify_signature(string $secret, string $header, string $rawBody, int $now): bool
{
    $t = null;
    $signatures = [];
    foreach (explode(',', $header) as $part) {
        $pair = explode('=', $part, 2);
        if (count($pair) !== 2) {
            return false;
        }
        [$key, $value] = $pair;
        if ($key === 't') {
            if ($t !== null || preg_match('/\A[0-9]{1,15}\z/', $value) !== 1) {
                return false;
            }
            $t = $value;
        } elseif ($key === 'v1') {
            $signatures[] = $value;
        }
    }
    if ($t === null || $signatures === [] || abs($now - (int) $t) > TOLERANCE_SECONDS) {
        return false;
    }
    $expected = hash_hmac('sha256', $t . '.' . $rawBody, $secret);
    foreach ($signatures as $signature) {
        if (hash_equals($expected, $signature)) {
            return true;
        }
    }
    return false;
}
// END verify

function main(): int
{
    $sig = '05b728475104591e6ba9301ccd86c0f18c79ea7330ef9b9869435607a745d2bf';
    $header = "t=1700000000,v1=$sig";
    $body = '{"id":1}';
    $cases = [
        ['valid', verify_signature('Jefe', $header, $body, 1700000100), true],
        ['valid at the edge of the window', verify_signature('Jefe', $header, $body, 1700000300), true],
        ["valid with a sender's clock ahead", verify_signature('Jefe', $header, $body, 1699999700), true],
        ['another secret', verify_signature('jefe', $header, $body, 1700000100), false],
        ['a changed body', verify_signature('Jefe', $header, '{"id":2}', 1700000100), false],
        ['a re-serialised body', verify_signature('Jefe', $header, '{"id": 1}', 1700000100), false],
        ['a changed t', verify_signature('Jefe', "t=1700000001,v1=$sig", $body, 1700000100), false],
        ['too old', verify_signature('Jefe', $header, $body, 1700000400), false],
        ['just too old', verify_signature('Jefe', $header, $body, 1700000301), false],
        ['from the future', verify_signature('Jefe', $header, $body, 1699999000), false],
    ];
    $malformed = [
        '', 'garbage', 't=1700000000', "v1=$sig", "t=,v1=$sig", 't=1700000000,v1=',
        "t=abc,v1=$sig", "t=+1700000000,v1=$sig", "t=1700000000;v1=$sig",
        "t=1700000000,t=1700000000,v1=$sig", "t=1700000000,v1=$sig,",
        't=1700000000,v1=' . strtoupper($sig), 't=1700000000,v1=' . substr($sig, 1),
        't=1700000000,v1=' . str_repeat('é', 64), "t=١٧٠٠٠٠٠٠٠٠,v1=$sig",
        "t=1700000000\n,v1=$sig",
    ];
    foreach ($malformed as $h) {
        $cases[] = ['malformed ' . json_encode($h), verify_signature('Jefe', $h, $body, 1700000100), false];
    }
    $failed = array_filter($cases, fn ($c) => $c[1] !== $c[2]);
    foreach ($failed as $c) {
        fwrite(STDERR, "FAILED: {$c[0]}\n");
    }
    if ($failed !== []) {
        return 1;
    }
    echo "ok\n";
    return 0;
}

if (realpath($_SERVER['SCRIPT_FILENAME'] ?? '') === __FILE__) {
    exit(main());
}
