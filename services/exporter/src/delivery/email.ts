import { createTransport } from "nodemailer";
import type SMTPTransport from "nodemailer/lib/smtp-transport";
import type { EmailContent } from "./email-content.ts";
import type { AttemptResult } from "./records.ts";

/** Sends notification emails over SMTP; one attempt per call. */
export interface Mailer {
  send(to: string, content: EmailContent, messageId: string): Promise<AttemptResult>;
  close(): void;
}

export interface MailerOptions {
  /** `SMTP_URL`, e.g. `smtp://user:pass@host:587` (STARTTLS when offered) or `smtps://…`. */
  url: string;
  /** `SMTP_FROM`. */
  from: string;
  /** Limit on connecting, the greeting and each later reply. */
  timeoutMs: number;
}

/**
 * A mailer on `options.url`. Every failure is retryable, rejections included: a 5xx may be a
 * full mailbox or a relay misconfigured for a while, and the attempt limit bounds the cost.
 * `code` in the result is the server's reply code (250 on success). Never throws.
 */
export function smtpMailer(options: MailerOptions): Mailer {
  const transport = createTransport(
    {
      url: options.url,
      connectionTimeout: options.timeoutMs,
      greetingTimeout: options.timeoutMs,
      socketTimeout: options.timeoutMs,
    } satisfies SMTPTransport.Options,
    { from: options.from },
  );
  return {
    async send(to, content, messageId) {
      try {
        const info = await transport.sendMail({ to, messageId, ...content });
        return { ok: true, code: replyCode(info.response) };
      } catch (error) {
        const code = (error as { responseCode?: number }).responseCode ?? null;
        const message = error instanceof Error ? error.message : String(error);
        return { ok: false, code, error: message.slice(0, 300), retryable: true };
      }
    },
    close: () => transport.close(),
  };
}

function replyCode(response: string | undefined): number | null {
  const code = Number.parseInt(response ?? "", 10);
  return Number.isFinite(code) ? code : null;
}
