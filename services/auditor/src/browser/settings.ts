import { storageConfigShape } from "@shopsniffer/shared/storage/open-storage";
import { z } from "zod";

/** The audit's settings, spread into the auditor's config schema. */
export const auditConfigShape = {
  /**
   * `auto` renders the home page in headless Chromium when `CHROMIUM_PATH` exists, else reads
   * the static HTML; `off` always reads the static HTML.
   */
  AUDIT_BROWSER: z.enum(["auto", "off"]).default("auto"),
  /** The Chromium executable (Debian's `chromium` package installs `/usr/bin/chromium`). */
  CHROMIUM_PATH: z.string().min(1).default("/usr/bin/chromium"),
  /** How long the rendered page may take to load before the audit uses what it has, in ms. */
  AUDIT_BROWSER_TIMEOUT_MS: z.coerce.number().int().positive().default(30_000),
  /**
   * What the page's requests to other hosts than the store get: `guarded` fetches them
   * through the address guard (public addresses only, `STORE_ORIGINS` honoured), `block`
   * refuses them. Either way they are recorded; nothing leaves the machine from the browser.
   */
  AUDIT_THIRD_PARTY: z.enum(["guarded", "block"]).default("guarded"),
  /** Where the home page screenshot is stored: the export files' storage. */
  ...storageConfigShape,
  /** Days a stored file (the screenshot) stays downloadable, as for export files. */
  EXPORT_RETENTION_DAYS: z.coerce.number().positive().default(90),
};
