import { t } from "elysia";

/** The error envelope of every 4xx/5xx answer. */
export const errorBody = t.Object({
  error: t.String({ description: "Human-readable message." }),
  code: t.Optional(t.String({ description: "Stable machine-readable code." })),
  message: t.Optional(
    t.String({
      description:
        "What to fix, when `error` is a fixed word such as `Unauthorized` and the code alone " +
        "does not say it in words.",
    }),
  ),
});

export const jobIdParams = t.Object({ id: t.String({ maxLength: 200 }) });
