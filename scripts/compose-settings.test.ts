import { expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { z } from "zod";
import { auditorConfigSchema } from "../services/auditor/src/config.ts";
import { crawlerConfigSchema } from "../services/crawler/src/config.ts";
import { exporterConfigSchema } from "../services/exporter/src/config.ts";
import { gatewayConfigSchema } from "../services/gateway/src/config.ts";
import { REPO_ROOT } from "../shared/src/testing/env.ts";

/**
 * The compose files must hand each service every setting its config schema reads (so a
 * deployment can set it), and nothing it does not read (a typo would be silently ignored).
 */
const schemas: Record<string, z.ZodObject<z.ZodRawShape>> = {
  gateway: gatewayConfigSchema,
  crawler: crawlerConfigSchema,
  auditor: auditorConfigSchema,
  exporter: exporterConfigSchema,
};

const composeFiles = ["docker-compose.yml", "docs/deploy/docker-compose.production.yml"];

function composeEnvironment(file: string, service: string): string[] {
  const doc = Bun.YAML.parse(readFileSync(join(REPO_ROOT, file), "utf8")) as {
    services: Record<string, { environment?: Record<string, unknown> }>;
  };
  const environment = doc.services[service]?.environment;
  if (!environment || Array.isArray(environment)) {
    throw new Error(`${file}: ${service} needs an environment map`);
  }
  return Object.keys(environment);
}

for (const file of composeFiles) {
  for (const [service, schema] of Object.entries(schemas)) {
    test(`${file} lists exactly the settings ${service} reads`, () => {
      const read = Object.keys(schema.shape).sort();
      const listed = composeEnvironment(file, service).sort();
      expect({ missing: read.filter((key) => !listed.includes(key)) }).toEqual({ missing: [] });
      expect({ unknown: listed.filter((key) => !read.includes(key)) }).toEqual({ unknown: [] });
    });
  }
}

test("the README's settings table lists every setting a service reads", () => {
  const readme = readFileSync(join(REPO_ROOT, "README.md"), "utf8");
  const documented = new Set(
    [...readme.matchAll(/^\| ((?:`[A-Z0-9_]+`(?:, )?)+) +\|/gm)].flatMap((match) =>
      [...(match[1] ?? "").matchAll(/`([A-Z0-9_]+)`/g)].map((name) => name[1]),
    ),
  );
  const read = [...new Set(Object.values(schemas).flatMap((schema) => Object.keys(schema.shape)))];
  expect({ undocumented: read.filter((key) => !documented.has(key)).sort() }).toEqual({
    undocumented: [],
  });
});
