/** Starts a local HTTP server that behaves like a Shopify storefront (tests, demo, benchmarks). */

import type { CatalogModes } from "./catalog-modes.ts";
import { faultInterceptor, type StorefrontFault } from "./faults.ts";
import { createFixtureHandler, type FixtureStore } from "./fixture-store.ts";
import type { StoreModel } from "./model.ts";
import { isJsonPath } from "./responses.ts";
import { createStoreHandler, type StorefrontHandler } from "./routes.ts";

/** What to serve: a generated store model, or captured real files. */
export type StorefrontSource = { store: StoreModel } | { fixture: FixtureStore };

export interface StorefrontOptions {
  /** TCP port; 0 (the default) picks a free one. */
  port?: number;
  /** Interface to bind; default 127.0.0.1. */
  hostname?: string;
  /** Delay in ms before answering any JSON endpoint (`.json`, `.js`), to make indexing slow. */
  latencyMs?: number;
  /** Products per product sitemap child (generated stores only); default 2,500. */
  sitemapChunkSize?: number;
  /** Products hidden from the lists or served only as `.js` (generated stores only). */
  catalog?: CatalogModes;
  /**
   * Runs before routing; a returned Response is sent instead (e.g. a 429 or a redirect a test
   * wants to inject). Returning undefined lets the storefront answer normally.
   */
  intercept?: (request: Request) => Response | undefined | Promise<Response | undefined>;
  /** Throttling and blocks to answer with (see `faults.ts`), checked after `intercept`. */
  faults?: readonly StorefrontFault[];
}

/** A running storefront. `requests` counts every request received, intercepted ones too. */
export interface RunningStorefront {
  /** e.g. "http://127.0.0.1:41234", without a trailing slash. */
  readonly origin: string;
  readonly port: number;
  readonly requests: number;
  /** Stops listening and closes open connections. */
  stop(): Promise<void>;
}

function originFor(hostname: string, port: number): string {
  if (hostname === "0.0.0.0") return `http://127.0.0.1:${port}`;
  if (hostname === "::") return `http://[::1]:${port}`;
  return `http://${hostname.includes(":") ? `[${hostname}]` : hostname}:${port}`;
}

function handlerFor(source: StorefrontSource, options: StorefrontOptions): StorefrontHandler {
  if ("store" in source) {
    const { sitemapChunkSize, catalog } = options;
    return createStoreHandler(source.store, { sitemapChunkSize, catalog });
  }
  return createFixtureHandler(source.fixture);
}

/** Starts serving `source`; resolves once the socket is listening. */
export async function startStorefront(
  source: StorefrontSource,
  options: StorefrontOptions = {},
): Promise<RunningStorefront> {
  const handler = handlerFor(source, options);
  const latencyMs = Math.max(0, options.latencyMs ?? 0);
  const hostname = options.hostname ?? "127.0.0.1";
  const fault = faultInterceptor(options.faults ?? []);
  let requests = 0;

  const server = Bun.serve({
    port: options.port ?? 0,
    hostname,
    fetch: async (request) => {
      requests += 1;
      const injected = await options.intercept?.(request);
      if (injected) return injected;
      const faulted = fault(request);
      if (faulted) return faulted;
      if (latencyMs > 0 && isJsonPath(new URL(request.url).pathname)) await Bun.sleep(latencyMs);
      return handler(request);
    },
    error: () => new Response("Internal Server Error\n", { status: 500 }),
  });

  const port = server.port ?? 0;
  return {
    origin: originFor(hostname, port),
    port,
    get requests() {
      return requests;
    },
    stop: async () => {
      await server.stop(true);
    },
  };
}
