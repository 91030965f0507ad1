import { Elysia, t } from "elysia";
import { AppError } from "@shopsniffer/shared/errors";
import { createApiKey, listApiKeys, revokeApiKey } from "../auth/api-keys.ts";
import { requireSession } from "../auth/principal.ts";
import { readJsonBody } from "../body.ts";
import type { GatewayDeps } from "../deps.ts";
import { errorBody } from "../schemas.ts";

const DEFAULT_NAME = "API key";
const SHOWN_ONCE = "Store this key securely. It will not be shown again.";

const createKeyBody = t.Object(
  {
    name: t.Optional(
      t.String({ maxLength: 100, description: "Friendly name, e.g. `github-actions`." }),
    ),
  },
  { additionalProperties: false },
);

const keyIdParams = t.Object({ id: t.String({ maxLength: 200 }) });

const keyView = t.Object({
  id: t.String({ description: "Key id (`key_…`): what `DELETE /api/api-keys/{id}` takes." }),
  name: t.String({ description: "The name given at creation." }),
  prefix: t.String({ description: "First characters of the key, then `…`." }),
  created_at: t.String({ description: "When the key was created, ISO 8601 UTC." }),
  revoked: t.Boolean({ description: "True once revoked: the key no longer works." }),
});

const createdKey = t.Object({
  id: keyView.properties.id,
  key: t.String({ description: "The key itself (`ss_live_…`); shown this once only." }),
  name: keyView.properties.name,
  message: t.String({ description: "A reminder to store the key now." }),
});

const auth = { tags: ["API keys"], security: [{ session: [] }] };

/**
 * `/api-keys`: a signed-in user's API keys. Session only: an API key gets 403 here, so a leaked
 * key cannot mint more keys.
 */
export function apiKeyRoutes(deps: GatewayDeps) {
  return new Elysia({ normalize: false })
    .post(
      "/api-keys",
      async ({ request, body, set }) => {
        const { userId } = await requireSession(deps, request);
        const created = await createApiKey(deps.svc.db, body.name?.trim() || DEFAULT_NAME, userId);
        set.status = 201;
        return { id: created.id, key: created.key, name: created.name, message: SHOWN_ONCE };
      },
      {
        // Authenticates before reading the body, so anonymous callers never get it parsed.
        parse: async ({ request }) => {
          await requireSession(deps, request);
          return readJsonBody(request, deps.svc.config.MAX_BODY_BYTES);
        },
        body: createKeyBody,
        detail: { summary: "Create an API key (the key is shown once)", ...auth },
        response: {
          201: createdKey,
          400: errorBody,
          401: errorBody,
          403: errorBody,
        },
      },
    )
    .get(
      "/api-keys",
      async ({ request }) => {
        const { userId } = await requireSession(deps, request);
        return { keys: await listApiKeys(deps.svc.db, userId) };
      },
      {
        detail: { summary: "List your API keys, masked", ...auth },
        response: {
          200: t.Object({
            keys: t.Array(keyView, { description: "Your keys, newest first, revoked ones too." }),
          }),
          401: errorBody,
          403: errorBody,
        },
      },
    )
    .delete(
      "/api-keys/:id",
      async ({ request, params }) => {
        const { userId } = await requireSession(deps, request);
        if (!(await revokeApiKey(deps.svc.db, userId, params.id))) {
          throw new AppError("not_found", "API key not found");
        }
        return { success: true };
      },
      {
        params: keyIdParams,
        detail: { summary: "Revoke an API key; it fails from the next request", ...auth },
        response: {
          200: t.Object({ success: t.Boolean({ description: "Always true: it is revoked." }) }),
          401: errorBody,
          403: errorBody,
          404: errorBody,
        },
      },
    );
}
