// Verifies the portal's webhook signature (`X-Signature`); run it to check the known answer.
// Node.js 20, `node:crypto` only: `node verify.js` prints `ok`.
"use strict";

// BEGIN verify
const crypto = require("node:crypto");

const TOLERANCE_SECONDS = 300; // refuse a `t` more than 5 minutes away from now

// Whether `header` (the X-Signature value) signs `rawBody`, a Buffer of the request body's
// bytes exactly as received, with `secret`, at a `t` within 5 minutes of `now` (Unix seconds).
function verify(secret, header, rawBody, now) {
  let t = null;
  const signatures = [];
  for (const part of header.split(",")) {
    const i = part.indexOf("=");
    if (i < 0) return false;
    const key = part.slice(0, i);
    const value = part.slice(i + 1);
    if (key === "t") {
      if (t !== null || !/^[0-9]{1,15}$/.test(value)) return false;
      t = value;
    } else if (key === "v1") {
      signatures.push(Buffer.from(value, "utf8"));
    }
  }
  if (t === null || signatures.length === 0 || Math.abs(now - Number(t)) > TOLERANCE_SECONDS) {
    return false;
  }
  const hmac = crypto.createHmac("sha256", secret);
  hmac.update(`${t}.`);
  hmac.update(rawBody);
  const expected = Buffer.from(hmac.digest("hex"), "utf8");
  return signatures.some((s) => s.length === expected.length && crypto.timingSafeEqual(s, expected));
}
// END verify

module.exports = { verify };

function main() {
  const sig = "05b728475104591e6ba9301ccd86c0f18c79ea7330ef9b9869435607a745d2bf";
  const header = `t=1700000000,v1=${sig}`;
  const body = Buffer.from('{"id":1}', "utf8");
  const cases = [
    ["valid", verify("Jefe", header, body, 1700000100), true],
    ["valid at the edge of the window", verify("Jefe", header, body, 1700000300), true],
    ["valid with a sender's clock ahead", verify("Jefe", header, body, 1699999700), true],
    ["another secret", verify("jefe", header, body, 1700000100), false],
    ["a changed body", verify("Jefe", header, Buffer.from('{"id":2}'), 1700000100), false],
    ["a re-serialised body", verify("Jefe", header, Buffer.from('{"id": 1}'), 1700000100), false],
    ["a changed t", verify("Jefe", `t=1700000001,v1=${sig}`, body, 1700000100), false],
    ["too old", verify("Jefe", header, body, 1700000400), false],
    ["just too old", verify("Jefe", header, body, 1700000301), false],
    ["from the future", verify("Jefe", header, body, 1699999000), false],
  ];
  const malformed = [
    "", "garbage", "t=1700000000", `v1=${sig}`, `t=,v1=${sig}`, "t=1700000000,v1=",
    `t=abc,v1=${sig}`, `t=+1700000000,v1=${sig}`, `t=1700000000;v1=${sig}`,
    `t=1700000000,t=1700000000,v1=${sig}`, `t=1700000000,v1=${sig},`,
    `t=1700000000,v1=${sig.toUpperCase()}`, `t=1700000000,v1=${sig.slice(0, -1)}`,
    `t=1700000000,v1=${"é".repeat(64)}`, `t=١٧٠٠٠٠٠٠٠٠,v1=${sig}`, `t=1700000000\n,v1=${sig}`,
  ];
  for (const h of malformed) {
    cases.push([`malformed ${JSON.stringify(h)}`, verify("Jefe", h, body, 1700000100), false]);
  }
  const failed = cases.filter(([, got, want]) => got !== want);
  for (const [name] of failed) console.error(`FAILED: ${name}`);
  if (failed.length > 0) process.exit(1);
  console.log("ok");
}

if (require.main === module) main();
