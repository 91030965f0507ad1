import { t } from "elysia";

/** The error envelope of every 4xx/5xx answer. */
export const errorBody = t.Object({
  error: t.String({ description: "Human-readable message." }),
  code: t.Optional(t.String({ description: "Stable machine-readable code." })),
});

export const jobIdParams = t.Object({ id: t.String({ maxLength: 200 }) });
