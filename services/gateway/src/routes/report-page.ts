import { Elysia, t } from "elysia";
import { getJob, type JobRow } from "@shopsniffer/shared/jobs/state";
import type { GatewayDeps } from "../deps.ts";
import { isUuid } from "./job-handlers.ts";

/** `GET /report/:id`: a plain HTML summary of a job, the target of `report_url`. */
export function reportPageRoutes(deps: GatewayDeps) {
  return new Elysia().get(
    "/report/:id",
    async ({ params, set }) => {
      const job = isUuid(params.id) ? await getJob(deps.svc.db, params.id.toLowerCase()) : null;
      set.headers["content-type"] = "text/html; charset=utf-8";
      if (!job) {
        set.status = 404;
        return page("Report not found", "<p>No job has this id.</p>");
      }
      return page(`${job.domain} — ShopSniffer report`, summary(job));
    },
    { params: t.Object({ id: t.String({ maxLength: 200 }) }), detail: { hide: true } },
  );
}

// FIXME: a bare summary; the report page people want to look at (charts, apps, findings)
// is still to be built.
function summary(job: JobRow): string {
  const meta = job.shopMeta ?? {};
  const rows: Array<[string, unknown]> = [
    ["Status", job.status],
    ["Shop", meta.shop_name],
    ["Theme", meta.theme_name],
    ["Currency", meta.currency],
    ["Products", job.productCount],
    ["Collections", job.collectionCount],
    ["Pages", job.pageCount],
    ["Apps", Array.isArray(meta.detected_apps) ? meta.detected_apps.join(", ") : ""],
  ];
  const cells = rows
    .map(([k, v]) => `<tr><th>${escapeHtml(k)}</th><td>${escapeHtml(String(v ?? "—"))}</td></tr>`)
    .join("");
  const link = (key: string) => `/api/downloads?jobId=${job.id}&key=${encodeURIComponent(key)}`;
  const files = Object.values(job.downloads ?? {})
    .map((key) => `<li><a href="${escapeHtml(link(key))}">${escapeHtml(key)}</a></li>`)
    .join("");
  return `<h1>${escapeHtml(job.domain)}</h1><table>${cells}</table><ul>${files}</ul>`;
}

const STYLE = [
  "body{font:16px system-ui;margin:2rem auto;max-width:40rem}",
  "th{text-align:left;padding-right:1rem}",
].join("");

function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>${escapeHtml(title)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>${STYLE}</style>
</head><body>${body}</body></html>`;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
