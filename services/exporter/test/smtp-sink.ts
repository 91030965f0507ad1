import smtpServer from "smtp-server";

/** A message the sink accepted: its envelope recipients and raw RFC 5322 text. */
export interface SunkMail {
  to: string[];
  user: string | undefined;
  raw: string;
}

export interface SmtpSink {
  port: number;
  mails: SunkMail[];
  stop(): Promise<void>;
}

/**
 * A real SMTP server on 127.0.0.1 and a random port that accepts every message after
 * AUTH with `user`/`pass` (over plain text: it is a local test server). Each recipient in
 * `rejectOnce` is refused with a temporary 451 the first time it is tried.
 */
export async function startSmtpSink(
  user: string,
  pass: string,
  rejectOnce = new Set<string>(),
): Promise<SmtpSink> {
  const mails: SunkMail[] = [];
  const server = new smtpServer.SMTPServer({
    onRcptTo(address, _session, callback) {
      if (!rejectOnce.delete(address.address)) return callback();
      callback(Object.assign(new Error("try again later"), { responseCode: 451 }));
    },
    disabledCommands: ["STARTTLS"],
    allowInsecureAuth: true,
    logger: false,
    onAuth(auth, _session, callback) {
      const ok = auth.username === user && auth.password === pass;
      callback(ok ? null : new Error("bad credentials"), ok ? { user } : undefined);
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (chunk: Buffer) => chunks.push(chunk));
      stream.on("end", () => {
        const to = session.envelope.rcptTo.map((r) => r.address);
        const login = typeof session.user === "string" ? session.user : undefined;
        mails.push({ to, user: login, raw: Buffer.concat(chunks).toString("utf8") });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.server.address();
  if (!address || typeof address === "string") throw new Error("SMTP sink has no port");
  return {
    port: address.port,
    mails,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The decoded body of the first MIME part of `raw` with `contentType` (e.g. `text/plain`). */
export function mimePart(raw: string, contentType: string): string {
  const parts = raw.split(/\r?\n--[^\r\n]+\r?\n/);
  for (const part of parts) {
    const split = part.search(/\r?\n\r?\n/);
    const head = part.slice(0, split).toLowerCase();
    if (!head.includes(`content-type: ${contentType}`)) continue;
    const body = part
      .slice(split)
      .trim()
      .replace(/\r?\n--[^\r\n]+--[\s\S]*$/, "");
    if (head.includes("content-transfer-encoding: base64")) {
      return Buffer.from(body, "base64").toString("utf8");
    }
    if (!head.includes("content-transfer-encoding: quoted-printable")) return body;
    const bytes = body
      .replace(/=\r?\n/g, "")
      .replace(/=([0-9A-F]{2})/gi, (_m, hex: string) =>
        String.fromCharCode(Number.parseInt(hex, 16)),
      );
    return Buffer.from(bytes, "latin1").toString("utf8");
  }
  throw new Error(`no ${contentType} part`);
}

/** The value of header `name` in `raw` (unfolded), or undefined. */
export function mailHeader(raw: string, name: string): string | undefined {
  const head = raw.slice(0, raw.search(/\r?\n\r?\n/)).replace(/\r?\n[ \t]+/g, " ");
  const line = head
    .split(/\r?\n/)
    .find((l) => l.toLowerCase().startsWith(`${name.toLowerCase()}:`));
  return line?.slice(name.length + 1).trim();
}
