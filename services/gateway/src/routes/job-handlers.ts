import { desc, eq, sql } from "drizzle-orm";
import { jobSteps, jobs, webhookCallbacks } from "@shopsniffer/shared/db/schema";
import { AppError } from "@shopsniffer/shared/errors";
import { getJob, type JobRow } from "@shopsniffer/shared/jobs/state";
import { assertPublicHost } from "@shopsniffer/shared/store/address-guard";
import { domainSlug, normalizeDomain } from "@shopsniffer/shared/store/domain";
import { clientAddressOf } from "../auth/client-address.ts";
import { requirePrincipal, resolvePrincipal, unauthorized } from "../auth/principal.ts";
import { readJsonBody } from "../body.ts";
import type { GatewayDeps } from "../deps.ts";
import { enqueueJob } from "../enqueue.ts";
import { limitJobRequests } from "../rate-limit.ts";
import { createdJobView, jobView, statusView } from "../views.ts";
import { payForJob, readJobPayment } from "../x402/checkout.ts";
import { x402Settings } from "../x402/settings.ts";
import type { CreateJobBody } from "./jobs.ts";

interface RequestContext {
  request: Request;
  set: { status?: number | string; headers: Record<string, string | number> };
}

const LOOKUP_USAGE = "Provide id or domain parameter";

/**
 * Parse hook of `POST /jobs`: authenticates before the body is read or validated, so a bad key
 * is a 401 whatever the body, then reads the JSON body within `MAX_BODY_BYTES`. With x402 on,
 * a caller without credentials goes on to pay (in the handler, after the body is validated).
 */
export async function authenticateThenParse(deps: GatewayDeps, request: Request) {
  const principal = await resolvePrincipal(deps, request);
  if (!principal && !x402Settings(deps.svc.config)) await requirePrincipal(deps, request);
  await limitJobRequests(deps.svc.db, deps.svc.config, principal, clientAddressOf(request));
  return readJsonBody(request, deps.svc.config.MAX_BODY_BYTES);
}

/**
 * Parse hook of `POST /jobs/:id/retry`, which takes no body: authenticates and counts against
 * the job-creation limits, and never reads what was sent.
 */
export async function authenticateOnly(deps: GatewayDeps, request: Request) {
  const principal = await requirePrincipal(deps, request);
  await limitJobRequests(deps.svc.db, deps.svc.config, principal, clientAddressOf(request));
  return {};
}

/**
 * `POST /jobs`: normalises the domain, checks the store and queues the job. A caller with
 * neither key nor session pays with x402: the payment is checked offline first, the domain and
 * the store next, and only then is anything claimed or charged. A missing or refused payment
 * gets its 402 only after the domain and store checks, so a request no payment could buy is
 * told why (400, 422) instead of being asked to pay.
 */
export async function createJob(
  deps: GatewayDeps,
  { request, set, body }: RequestContext & { body: CreateJobBody },
) {
  const principal = await resolvePrincipal(deps, request);
  const payment = principal ? null : await readJobPayment(deps, request);
  const domain = normalizeDomain(body.domain);
  const webhookUrl =
    body.webhook_url === undefined ? null : await checkWebhookUrl(deps, body.webhook_url);
  await deps.checkStore(domain);
  if (payment?.kind === "reply") return reply(set, payment.reply);
  const fields = {
    domain,
    slug: domainSlug(domain),
    webhookUrl,
    notifyEmail: body.notify_email ?? null,
    type: body.type ?? "full",
    indexer: body.indexer ?? "default",
  };
  if (!principal) {
    if (payment?.kind !== "payment") throw unauthorized();
    return reply(set, await payForJob(deps, payment, fields));
  }
  const job = await enqueueJob(deps, {
    ...fields,
    userId: principal.userId,
    apiKeyId: principal.keyId,
    retryOf: null,
  });
  set.status = 201;
  return { job: createdJobView(job) };
}

/** Applies a payment reply's status and headers and returns its body. */
function reply(
  set: RequestContext["set"],
  answer: { status: number; headers: object; body: unknown },
) {
  set.status = answer.status;
  Object.assign(set.headers, answer.headers);
  return answer.body;
}

/** `GET /jobs?id=` or `?domain=` (the domain's most recent job). */
export async function lookupJob(deps: GatewayDeps, query: { id?: string; domain?: string }) {
  if (query.id && query.domain) throw new AppError("invalid_input", LOOKUP_USAGE);
  if (query.id) return getJobById(deps, query.id);
  if (query.domain) return { job: await fullView(deps, await latestForDomain(deps, query.domain)) };
  throw new AppError("invalid_input", LOOKUP_USAGE);
}

export async function getJobById(deps: GatewayDeps, id: string) {
  return { job: await fullView(deps, await findJob(deps, id)) };
}

export async function pollJob(deps: GatewayDeps, id: string) {
  return statusView(await findJob(deps, id));
}

/**
 * `POST /jobs/:id/retry`: a new job for the same store, for any API key or session (every job
 * can be read by anyone, so anyone signed in may retry it). Its webhook and email go along only
 * when the caller owns the original (the same API key, or the same user), so nobody can aim
 * repeat deliveries at someone else's endpoint.
 */
export async function retryJob(
  deps: GatewayDeps,
  { request, set, params }: RequestContext & { params: { id: string } },
) {
  const principal = await requirePrincipal(deps, request);
  const original = await findJob(deps, params.id);
  if (original.status === "pending" || original.status === "processing") {
    throw new AppError(
      "invalid_input",
      `Job is ${original.status}; only completed or errored jobs can be retried`,
    );
  }
  const sameOwner =
    (principal.keyId !== null && original.apiKeyId === principal.keyId) ||
    (original.userId !== null && original.userId === principal.userId);
  const job = await enqueueJob(deps, {
    domain: original.domain,
    slug: original.slug,
    webhookUrl: sameOwner ? original.webhookUrl : null,
    notifyEmail: sameOwner ? original.notifyEmail : null,
    type: original.type,
    indexer: original.indexer,
    userId: principal.userId,
    apiKeyId: principal.keyId,
    retryOf: original.id,
  });
  set.status = 201;
  return { job: createdJobView(job) };
}

/** The job with `id`, or a 404 with the reference's message. */
export async function findJob(deps: GatewayDeps, id: string): Promise<JobRow> {
  const job = isUuid(id) ? await getJob(deps.svc.db, id.toLowerCase()) : undefined;
  if (!job) throw new AppError("not_found", "Job not found");
  return job;
}

async function fullView(deps: GatewayDeps, job: JobRow) {
  const { db } = deps.svc.db;
  const [callbacks, stepRows] = await Promise.all([
    db.query.webhookCallbacks.findMany({ where: eq(webhookCallbacks.jobId, job.id) }),
    db.query.jobSteps.findMany({ where: eq(jobSteps.jobId, job.id) }),
  ]);
  return jobView(job, callbacks, stepRows);
}

async function latestForDomain(deps: GatewayDeps, input: string): Promise<JobRow> {
  let domain: string;
  try {
    domain = normalizeDomain(input);
  } catch {
    throw new AppError("not_found", "Job not found");
  }
  const job = await deps.svc.db.db.query.jobs.findFirst({
    where: eq(jobs.domain, domain),
    // rowid breaks ties between jobs created within the same second.
    orderBy: [desc(jobs.createdAt), desc(sql`rowid`)],
  });
  if (!job) throw new AppError("not_found", "Job not found");
  return job;
}

/**
 * The webhook URL, refused (400) unless http(s) and, unless `WEBHOOK_ALLOW_PRIVATE`, on port
 * 80 or 443 of a host that resolves to public addresses only: the same guard as store
 * fetches, checked again by the exporter at each delivery.
 */
async function checkWebhookUrl(deps: GatewayDeps, raw: string): Promise<string> {
  const url = URL.parse(raw);
  if (!url || (url.protocol !== "https:" && url.protocol !== "http:")) {
    throw new AppError("invalid_input", "webhook_url must be an http or https URL");
  }
  if (deps.svc.config.WEBHOOK_ALLOW_PRIVATE) return url.toString();
  try {
    await assertPublicHost(url.hostname);
  } catch (error) {
    const unresolved = error instanceof AppError && error.code === "store_unreachable";
    throw new AppError(
      "invalid_input",
      unresolved
        ? "webhook_url host could not be resolved"
        : "webhook_url must point to a public internet address",
    );
  }
  if (url.port !== "" && url.port !== "80" && url.port !== "443") {
    throw new AppError("invalid_input", "webhook_url must use port 80 or 443");
  }
  return url.toString();
}

export function isUuid(value: string): boolean {
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value);
}
