import { APIError } from "better-auth";

/** Longest user `name` Better Auth may store, in UTF-16 code units. */
export const MAX_USER_NAME_CHARS = 200;

/**
 * Better Auth takes any `name` string; these database hooks refuse a longer one (400
 * `NAME_TOO_LONG`, in Better Auth's own error shape) when a user is created or renamed.
 */
export const userNameHooks = {
  user: {
    create: { before: async (user: { name?: unknown }) => checkName(user.name) },
    update: { before: async (user: { name?: unknown }) => checkName(user.name) },
  },
};

function checkName(name: unknown): void {
  if (typeof name !== "string" || name.length <= MAX_USER_NAME_CHARS) return;
  throw new APIError("BAD_REQUEST", {
    message: `Name is longer than ${MAX_USER_NAME_CHARS} characters.`,
    code: "NAME_TOO_LONG",
  });
}
