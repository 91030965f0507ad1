import { join } from "node:path";
import { z } from "zod";
import { dirStorage } from "./dir-storage.ts";
import type { FileStorage } from "./file-storage.ts";
import { s3Storage } from "./s3-storage.ts";

/**
 * Storage settings, shared by the exporter (writes files) and the gateway (serves them); both
 * must point at the same place. Spread into a service's config schema.
 */
export const storageConfigShape = {
  /**
   * `s3://bucket/prefix` stores export files in an S3-compatible bucket; unset stores them in
   * `<DATA_DIR>/files`, which must then be a volume every gateway replica and the exporter share.
   */
  STORAGE_URL: z
    .string()
    .regex(/^s3:\/\/[^/]+(\/.*)?$/, "must be s3://bucket or s3://bucket/prefix")
    .optional(),
  /** The S3 API endpoint, e.g. `http://minio:9000`; unset uses AWS (or Bun's S3_* defaults). */
  S3_ENDPOINT: z.string().url().optional(),
  S3_ACCESS_KEY_ID: z.string().optional(),
  S3_SECRET_ACCESS_KEY: z.string().optional(),
  S3_REGION: z.string().optional(),
};

/** The storage settings as parsed from `storageConfigShape`, plus the data directory. */
export interface StorageConfig {
  DATA_DIR: string;
  STORAGE_URL?: string;
  S3_ENDPOINT?: string;
  S3_ACCESS_KEY_ID?: string;
  S3_SECRET_ACCESS_KEY?: string;
  S3_REGION?: string;
}

/** Opens the configured storage: the S3 bucket of `STORAGE_URL`, else `<DATA_DIR>/files`. */
export function openStorage(config: StorageConfig): FileStorage {
  if (!config.STORAGE_URL) return dirStorage(join(config.DATA_DIR, "files"));
  const url = new URL(config.STORAGE_URL);
  return s3Storage({
    bucket: url.hostname,
    prefix: url.pathname.replace(/^\/+|\/+$/g, ""),
    endpoint: config.S3_ENDPOINT,
    region: config.S3_REGION,
    accessKeyId: config.S3_ACCESS_KEY_ID,
    secretAccessKey: config.S3_SECRET_ACCESS_KEY,
  });
}
