import { afterAll, beforeAll, expect, setDefaultTimeout, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { connect, type NatsConnection } from "nats";
import { natsNames } from "../contracts/subjects.ts";
import { freePort } from "./local-server.ts";
import { ensureStreams } from "./streams.ts";

// A three-node JetStream cluster on loopback: the production example's NATS shape.
setDefaultTimeout(60_000);

interface Node {
  proc: Bun.Subprocess;
  clientUrl: string;
}

const names = natsNames("clustertest");
let dir: string;
let nodes: Node[] = [];
let nc: NatsConnection;

function startCluster(): Node[] {
  const clusterPorts = [freePort(), freePort(), freePort()];
  const routes = clusterPorts.map((port) => `nats://127.0.0.1:${port}`).join(",");
  return clusterPorts.map((clusterPort, i) => {
    const port = freePort();
    const args = ["-js", "-sd", join(dir, `n${i}`), "-a", "127.0.0.1", "-p", String(port)];
    args.push("--server_name", `n${i}`, "--cluster_name", "clustertest");
    args.push("--cluster", `nats://127.0.0.1:${clusterPort}`, "--routes", routes);
    const proc = Bun.spawn(["nats-server", ...args], { stdout: "ignore", stderr: "ignore" });
    return { proc, clientUrl: `nats://127.0.0.1:${port}` };
  });
}

/** Retries `fn` until the cluster has elected its JetStream leaders. */
async function whenClusterReady<T>(fn: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      return await fn();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await Bun.sleep(250);
    }
  }
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "shopsniffer-cluster-"));
  nodes = startCluster();
  // The comma-separated form NATS_URL takes for a cluster.
  const servers = nodes.map((n) => n.clientUrl);
  nc = await whenClusterReady(() => connect({ servers, maxReconnectAttempts: -1 }));
});

afterAll(async () => {
  await nc?.close().catch(() => undefined);
  for (const node of nodes) node.proc.kill("SIGTERM");
  await Promise.all(nodes.map((node) => node.proc.exited));
  rmSync(dir, { recursive: true, force: true });
});

test("streams keep NATS_STREAM_REPLICAS copies and survive the loss of one node", async () => {
  const jsm = await whenClusterReady(() => nc.jetstreamManager());
  await whenClusterReady(() => ensureStreams(jsm, names, 30, 3));
  for (const stream of [names.pipelineStream, names.progressStream, names.deliveryStream]) {
    const info = await jsm.streams.info(stream);
    expect({ stream, replicas: info.config.num_replicas }).toEqual({ stream, replicas: 3 });
    expect(info.cluster?.replicas?.length).toBe(2);
  }

  const js = nc.jetstream();
  await js.publish(names.stage("sitemap"), JSON.stringify({ jobId: "a", stage: "sitemap" }));
  // Stop the pipeline stream's leader: the two others elect a new one and keep the message.
  const leader = (await jsm.streams.info(names.pipelineStream)).cluster?.leader;
  const index = Number(leader?.slice(1));
  nodes[index]?.proc.kill("SIGKILL");

  const after = await whenClusterReady(async () => {
    await js.publish(names.stage("audit"), JSON.stringify({ jobId: "a", stage: "audit" }));
    return jsm.streams.info(names.pipelineStream);
  });
  expect(after.cluster?.leader).not.toBe(leader);
  expect(after.state.messages).toBe(2);
});
