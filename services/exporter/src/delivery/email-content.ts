import type { JobRow } from "@shopsniffer/shared/jobs/state";
import { escapeMarkup } from "@shopsniffer/shared/storefront/text";
import { jobLinks } from "@shopsniffer/shared/jobs/links";
import { jobError } from "./payload.ts";
import type { DeliveryEvent } from "./records.ts";

/** A notification email: subject, plain text and the same content as HTML. */
export interface EmailContent {
  subject: string;
  text: string;
  html: string;
}

interface Summary {
  subject: string;
  lead: string;
  facts: Array<[string, string]>;
  links: Array<[string, string]>;
}

/** The summary of `job` announcing `event`: store, counts, report and download links. */
export function emailContent(job: JobRow, event: DeliveryEvent, publicUrl: string): EmailContent {
  const summary = event === "job.completed" ? completed(job, publicUrl) : failed(job, publicUrl);
  return { subject: summary.subject, text: asText(summary), html: asHtml(summary) };
}

function completed(job: JobRow, publicUrl: string): Summary {
  const links = jobLinks(publicUrl, job.id);
  const base = publicUrl.replace(/\/+$/, "");
  const downloads = Object.values(job.downloads ?? {}).map((key): [string, string] => [
    key,
    `${base}/api/downloads?jobId=${job.id}&key=${encodeURIComponent(key)}`,
  ]);
  return {
    subject: `ShopSniffer report ready: ${job.domain}`,
    lead: `ShopSniffer finished analysing ${storeName(job)}.`,
    facts: [
      ["Products", String(job.productCount)],
      ["Collections", String(job.collectionCount)],
      ["Pages", String(job.pageCount)],
    ],
    links: [["Report", links.report_url], ["JSON report", links.api_url], ...downloads],
  };
}

function failed(job: JobRow, publicUrl: string): Summary {
  const links = jobLinks(publicUrl, job.id);
  const error = jobError(job);
  return {
    subject: `ShopSniffer analysis failed: ${job.domain}`,
    lead: `ShopSniffer could not finish analysing ${storeName(job)}.`,
    facts: [
      ["Failed step", error.step ?? "unknown"],
      ["Error", `${error.message ?? "unknown"} (${error.code ?? "no code"})`],
      ["Attempts", String(error.attempts)],
      ["Products found", String(job.productCount)],
    ],
    links: [
      ["Status", links.status_url],
      ["Report so far", links.report_url],
    ],
  };
}

function storeName(job: JobRow): string {
  const name = job.shopMeta?.shop_name;
  return typeof name === "string" && name.trim() ? `${name.trim()} (${job.domain})` : job.domain;
}

function asText(summary: Summary): string {
  const facts = summary.facts.map(([label, value]) => `${label}: ${value}`);
  const links = summary.links.map(([label, url]) => `${label}: ${url}`);
  return [summary.lead, "", ...facts, "", ...links, ""].join("\n");
}

function asHtml(summary: Summary): string {
  const facts = summary.facts
    .map(([label, value]) => `<tr><th align="left">${esc(label)}</th><td>${esc(value)}</td></tr>`)
    .join("");
  const links = summary.links
    .map(([label, url]) => `<li><a href="${esc(url)}">${esc(label)}</a></li>`)
    .join("");
  return [
    `<!doctype html><html lang="en"><head><meta charset="utf-8">`,
    `<title>${esc(summary.subject)}</title></head>`,
    `<body style="font-family:system-ui,sans-serif">`,
    `<p>${esc(summary.lead)}</p><table>${facts}</table><ul>${links}</ul>`,
    `</body></html>`,
  ].join("\n");
}

const esc = escapeMarkup;
