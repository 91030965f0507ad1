import { AppError } from "../errors.ts";

export const INVALID_DOMAIN_MESSAGE =
  "Invalid domain format. Please enter a valid domain like 'store.com'.";

const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;
const TLD = /^(?:[a-z]{2,63}|xn--[a-z0-9-]{1,59})$/;

/**
 * Reduces what a user typed to a bare lowercase ASCII host name: scheme, credentials-free
 * authority only, port, path, query, trailing dot and case are dropped; internationalised
 * names become punycode. Throws `invalid_domain` with the reference's message otherwise.
 */
export function normalizeDomain(input: string): string {
  const trimmed = input.trim();
  if (!trimmed || trimmed.length > 2_048) throw invalid();
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed) ? trimmed : `https://${trimmed}`;
  const url = URL.parse(withScheme);
  if (!url || (url.protocol !== "https:" && url.protocol !== "http:")) throw invalid();
  if (url.username || url.password) throw invalid();
  const host = url.hostname.replace(/\.$/, "");
  if (!isPublicHostName(host)) throw invalid();
  return host;
}

/** The URL-safe slug of a domain: lowercase, dots replaced with hyphens. */
export function domainSlug(domain: string): string {
  return domain.toLowerCase().replace(/\./g, "-");
}

function isPublicHostName(host: string): boolean {
  if (host.length > 253 || host.startsWith("[")) return false;
  const labels = host.split(".");
  const tld = labels.at(-1) ?? "";
  return labels.length >= 2 && labels.every((l) => LABEL.test(l)) && TLD.test(tld);
}

function invalid(): AppError {
  return new AppError("invalid_domain", INVALID_DOMAIN_MESSAGE);
}
