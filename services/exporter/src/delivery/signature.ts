import { Webhook } from "standardwebhooks";

/**
 * Webhook headers (the Standard Webhooks scheme, https://www.standardwebhooks.com):
 * - `webhook-id`: `msg_<job_id>_<event>`, the same on every retry of one notification;
 * - `webhook-timestamp`: when this attempt was signed, in unix seconds;
 * - `webhook-signature`: `v1,<base64 HMAC-SHA256 of "<id>.<timestamp>.<raw body>">`, keyed
 *   with the base64-decoded part of `WEBHOOK_SECRET` after `whsec_`. Absent when no secret
 *   is configured.
 *
 * To verify, a receiver recomputes the HMAC over the raw body bytes (before parsing JSON),
 * compares it in constant time with each space-separated `v1,` entry, and rejects timestamps
 * more than five minutes from its clock. Any Standard Webhooks library does all three, e.g.
 * in JavaScript: `new Webhook(secret).verify(rawBody, headers)` from `standardwebhooks`.
 */
export interface WebhookSigner {
  /** True when a secret is configured and the signature header is sent. */
  readonly signs: boolean;
  headers(id: string, body: string, at?: Date): Record<string, string>;
}

/** A signer for `secret` (`whsec_<base64>`), or one that only dates and names messages. */
export function webhookSigner(secret: string | undefined): WebhookSigner {
  const webhook = secret ? new Webhook(secret) : null;
  return {
    signs: webhook !== null,
    headers(id, body, at = new Date()) {
      const headers: Record<string, string> = {
        "webhook-id": id,
        "webhook-timestamp": String(Math.floor(at.getTime() / 1000)),
      };
      if (webhook) headers["webhook-signature"] = webhook.sign(id, at, body);
      return headers;
    },
  };
}
