/**
 * The baseline of benchmark 5: a bare Elysia route doing the gateway's status read (one job
 * row by id, the same view), with none of the gateway's hooks. Run as its own process:
 *   DATABASE_URL=file:... PORT=4321 bun bench/bare-status-server.ts
 */
import { Elysia } from "elysia";
import { openDb } from "../shared/src/db/client.ts";
import { getJob } from "../shared/src/jobs/state.ts";
import { statusView } from "../services/gateway/src/views.ts";

const db = await openDb(process.env.DATABASE_URL ?? "");
new Elysia()
  .get("/api/jobs/:id/status", async ({ params, set }) => {
    const job = await getJob(db, params.id);
    if (!job) {
      set.status = 404;
      return { error: "Job not found" };
    }
    return statusView(job);
  })
  .listen({ port: Number(process.env.PORT), hostname: "127.0.0.1" });
