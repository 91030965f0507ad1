import { defineConfig } from "drizzle-kit";

export default defineConfig({
  dialect: "turso",
  schema: "./shared/src/db/schema.ts",
  out: "./shared/drizzle",
});
