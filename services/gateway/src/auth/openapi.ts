/**
 * The OpenAPI security schemes of the gateway's three ways to authenticate (an API key goes in
 * either of two headers).
 */
export const securitySchemes = {
  apiKey: {
    type: "apiKey",
    in: "header",
    name: "X-API-Key",
    description: "An API key (`ss_live_…`), created at `POST /api/api-keys` or with the CLI.",
  },
  bearer: {
    type: "http",
    scheme: "bearer",
    description: "The same API key as `Authorization: Bearer ss_live_…`.",
  },
  session: {
    type: "apiKey",
    in: "cookie",
    name: "better-auth.session_token",
    description: "A Better Auth session from `/api/auth/sign-in/email` or `/sign-up/email`.",
  },
  x402: {
    type: "apiKey",
    in: "header",
    name: "X-PAYMENT",
    description: "An x402 v1 payment for one job, when pay-per-job is on.",
  },
} as const;
