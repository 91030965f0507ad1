import { describe, expect, test } from "bun:test";
import { createHmac } from "node:crypto";
import { webhookSigner } from "../src/delivery/signature.ts";
import { postWebhook } from "../src/delivery/webhook.ts";

const strict = { timeoutMs: 2_000, allowPrivate: false };
const body = JSON.stringify({ event: "job.completed", job_id: "x" });

describe("webhook target guard", () => {
  test("refuses loopback and private targets for good unless allowed", async () => {
    for (const target of ["http://127.0.0.1:9/x", "http://[::1]:9/x", "http://localhost/x"]) {
      const result = await postWebhook(target, body, {}, strict);
      expect(result).toMatchObject({ ok: false, code: null, retryable: false });
      expect(!result.ok && result.error).toContain("is not a public address");
    }
  });

  test("refuses non-http schemes for good", async () => {
    expect(await postWebhook("ftp://example.com/x", body, {}, strict)).toEqual({
      ok: false,
      code: null,
      error: "webhook URL must be http or https",
      retryable: false,
    });
  });

  test("retries a host that does not resolve", async () => {
    const result = await postWebhook("http://no-such-host.invalid/x", body, {}, strict);
    expect(result).toMatchObject({ ok: false, retryable: true });
    expect(!result.ok && result.error).toBe("could not resolve webhook host no-such-host.invalid");
  });

  test("counts a redirect as a failed attempt to retry, without following it", async () => {
    const redirecting = Bun.serve({
      port: 0,
      hostname: "127.0.0.1",
      fetch: () => Response.redirect("http://127.0.0.1:1/elsewhere", 307),
    });
    const result = await postWebhook(
      `http://127.0.0.1:${redirecting.port}/`,
      body,
      {},
      {
        timeoutMs: 2_000,
        allowPrivate: true,
      },
    );
    await redirecting.stop(true);
    expect(result).toEqual({ ok: false, code: 307, error: "HTTP 307", retryable: true });
  });
});

describe("webhook signature", () => {
  test("signs <id>.<timestamp>.<body> with HMAC-SHA256 of the decoded secret", () => {
    const key = Buffer.from("another secret, 32 bytes long!!!");
    const signer = webhookSigner(`whsec_${key.toString("base64")}`);
    const at = new Date("2026-04-12T10:30:00.750Z");
    const headers = signer.headers("msg_1_job.completed", body, at);

    const timestamp = String(Math.floor(at.getTime() / 1000));
    const mac = createHmac("sha256", key).update(`msg_1_job.completed.${timestamp}.${body}`);
    expect(signer.signs).toBe(true);
    expect(headers).toEqual({
      "webhook-id": "msg_1_job.completed",
      "webhook-timestamp": timestamp,
      "webhook-signature": `v1,${mac.digest("base64")}`,
    });
  });

  test("without a secret sends the id and timestamp but no signature", () => {
    const signer = webhookSigner(undefined);
    expect(signer.signs).toBe(false);
    expect(Object.keys(signer.headers("msg_2", body))).toEqual(["webhook-id", "webhook-timestamp"]);
  });
});
