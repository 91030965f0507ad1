import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

/** The captured real PSI answers live beside the repository, at ../shared/fixtures/real. */
export const PSI_FIXTURES = fileURLToPath(
  new URL("../../../../shared/fixtures/real/pagespeed/", import.meta.url),
);
const MOBILE_2025 = "psi-v5-example-com-mobile-lh13.0.0-2025.json";
const DESKTOP_2019 = "psi-v5-html5rocks-desktop-lh4.1.0-2019.json";

/** True when both real answers are present. */
export function psiFixturesPresent(): boolean {
  return (
    existsSync(`${PSI_FIXTURES}${MOBILE_2025}`) && existsSync(`${PSI_FIXTURES}${DESKTOP_2019}`)
  );
}

/** A real answer, parsed: `mobile` is the 2025 run, `desktop` the 2019 one. */
export function psiFixture(strategy: "mobile" | "desktop"): Record<string, any> {
  const file = strategy === "mobile" ? MOBILE_2025 : DESKTOP_2019;
  return JSON.parse(readFileSync(`${PSI_FIXTURES}${file}`, "utf8"));
}

/** How the fake answers: replay the fixtures, or answer every call with one error. */
export type PsiMode =
  | "replay"
  | "quota"
  | "quota-once"
  | "bad-key"
  | "invalid-key"
  | "lighthouse-error"
  | "slow";

/** A page Lighthouse cannot load, as PSI reports it (HTTP 400). */
const LIGHTHOUSE_ERROR = {
  error: {
    code: 400,
    message:
      "Lighthouse returned error: FAILED_DOCUMENT_REQUEST. Lighthouse was unable to reliably " +
      "load the page you requested. (Details: net::ERR_CONNECTION_FAILED)",
    errors: [
      { message: "Lighthouse returned error", domain: "lighthouse", reason: "lighthouseUserError" },
    ],
    status: "INVALID_ARGUMENT",
  },
};

const QUOTA = {
  error: {
    code: 429,
    message:
      "Quota exceeded for quota metric 'Queries' and limit 'Queries per day' of service " +
      "'pagespeedonline.googleapis.com'.",
    status: "RESOURCE_EXHAUSTED",
  },
};

/** Google's answer to a key that does not exist: a 400, told apart by its reason. */
const INVALID_KEY = {
  error: {
    code: 400,
    message: "API key not valid. Please pass a valid API key.",
    status: "INVALID_ARGUMENT",
    details: [{ "@type": "type.googleapis.com/google.rpc.ErrorInfo", reason: "API_KEY_INVALID" }],
  },
};

const BAD_KEY = {
  error: { code: 403, message: "The caller does not have permission", status: "PERMISSION_DENIED" },
};

/**
 * A local PSI endpoint. In `replay` mode it answers with the real fixture of the strategy
 * asked, except for product pages, which fail in Lighthouse; `quota-once` answers one 429 and
 * then replays; `slow` replays after a second. Records every query it gets.
 */
export function startPsiServer() {
  const state = { mode: "replay" as PsiMode, queries: [] as URLSearchParams[] };
  const server = Bun.serve({
    port: 0,
    async fetch(request) {
      const query = new URL(request.url).searchParams;
      state.queries.push(query);
      if (state.mode === "slow") await Bun.sleep(1_000);
      if (state.mode !== "quota-once") return answer(state.mode, query);
      state.mode = "replay";
      return answer("quota", query);
    },
  });
  return {
    state,
    endpoint: `http://127.0.0.1:${server.port}/runPagespeed`,
    stop: () => server.stop(true),
  };
}

function answer(mode: PsiMode, query: URLSearchParams): Response {
  if (mode === "quota") return Response.json(QUOTA, { status: 429 });
  if (mode === "bad-key") return Response.json(BAD_KEY, { status: 403 });
  if (mode === "invalid-key") return Response.json(INVALID_KEY, { status: 400 });
  const url = query.get("url") ?? "";
  if (mode === "lighthouse-error" || url.includes("/products/")) {
    return Response.json(LIGHTHOUSE_ERROR, { status: 400 });
  }
  const strategy = query.get("strategy") === "desktop" ? "desktop" : "mobile";
  return Response.json(psiFixture(strategy));
}
