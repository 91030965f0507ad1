import { DOWNLOADS } from "@shopsniffer/shared/contracts/downloads";
import { finishStep, startStep } from "@shopsniffer/shared/jobs/state";
import type { StageRun, StageSpec } from "@shopsniffer/shared/nats/stage-runner";
import { openStorage } from "@shopsniffer/shared/storage/open-storage";
import { textStream } from "@shopsniffer/shared/text-stream";
import type { ExporterService } from "../config.ts";
import { CSV_CONTENT_TYPE, type ExportFile, JSON_CONTENT_TYPE, saveJobFiles } from "./job-files.ts";
import { type ProductCounts, productsCsvText, productsJsonText } from "./products-export.ts";
import { buildCollectionsJson, buildPagesJson } from "./site-files.ts";

/** The `export` stage: streams the download files from the stored rows into storage. */
export function exportStage(svc: ExporterService): StageSpec {
  const target = {
    db: svc.db,
    storage: openStorage(svc.config),
    retentionDays: svc.config.EXPORT_RETENTION_DAYS,
  };
  return {
    stage: "export",
    firstStep: "export",
    handle: (run) => runExport(svc, target, run),
  };
}

async function runExport(
  svc: ExporterService,
  target: Parameters<typeof saveJobFiles>[0],
  run: StageRun,
) {
  const jobId = run.job.id;
  await startStep(svc.db, jobId, "export", run.attempt);
  await run.progress.status(jobId, "export", 0);

  const counts: ProductCounts = { products: 0, csvRows: 0 };
  const collectionsJson = await buildCollectionsJson(svc.db, jobId);
  const pagesJson = await buildPagesJson(svc.db, jobId);
  const files: ExportFile[] = [
    file(DOWNLOADS.csv, CSV_CONTENT_TYPE, productsCsvText(svc.db, jobId, counts)),
    file(DOWNLOADS.productsJson, JSON_CONTENT_TYPE, productsJsonText(svc.db, jobId, counts)),
    file(DOWNLOADS.collectionsJson, JSON_CONTENT_TYPE, collectionsJson.body),
    file(DOWNLOADS.pagesJson, JSON_CONTENT_TYPE, pagesJson.body),
  ];
  const bytes = await saveJobFiles(target, jobId, files);

  await finishStep(
    svc.db,
    jobId,
    "export",
    "completed",
    {
      products: counts.products,
      csv_rows: counts.csvRows,
      collections: collectionsJson.count,
      pages: pagesJson.count,
      bytes,
    },
    run.attempt,
  );
  await run.progress.status(jobId, "export", 1);
  await run.progress.step(jobId, "export", "completed");
}

function file(key: string, contentType: string, text: AsyncIterable<string>): ExportFile {
  return { key, contentType, body: textStream(text) };
}
