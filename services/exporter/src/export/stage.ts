import { DOWNLOADS } from "@shopsniffer/shared/contracts/downloads";
import { finishStep, startStep } from "@shopsniffer/shared/jobs/state";
import type { StageRun, StageSpec } from "@shopsniffer/shared/nats/stage-runner";
import type { ExporterService } from "../config.ts";
import { CSV_CONTENT_TYPE, type ExportFile, JSON_CONTENT_TYPE, saveJobFiles } from "./job-files.ts";
import { buildProductFiles } from "./products-export.ts";
import { buildCollectionsJson, buildPagesJson } from "./site-files.ts";

/** The `export` stage: builds the download files from the stored rows and saves them. */
export function exportStage(svc: ExporterService): StageSpec {
  return { stage: "export", firstStep: "export", handle: (run) => runExport(svc, run) };
}

async function runExport(svc: ExporterService, run: StageRun) {
  const jobId = run.job.id;
  await startStep(svc.db, jobId, "export", run.attempt);
  await run.progress.status(jobId, "export", 0);

  const productFiles = await buildProductFiles(svc.db, jobId);
  await run.progress.status(jobId, "export", 0.7);
  const collectionsJson = await buildCollectionsJson(svc.db, jobId);
  const pagesJson = await buildPagesJson(svc.db, jobId);
  const files: ExportFile[] = [
    { key: DOWNLOADS.csv, contentType: CSV_CONTENT_TYPE, body: productFiles.csv },
    { key: DOWNLOADS.productsJson, contentType: JSON_CONTENT_TYPE, body: productFiles.json },
    { key: DOWNLOADS.collectionsJson, contentType: JSON_CONTENT_TYPE, body: collectionsJson.body },
    { key: DOWNLOADS.pagesJson, contentType: JSON_CONTENT_TYPE, body: pagesJson.body },
  ];
  await saveJobFiles(svc.db, jobId, files);

  await finishStep(svc.db, jobId, "export", "completed", {
    products: productFiles.products,
    csv_rows: productFiles.csvRows,
    collections: collectionsJson.count,
    pages: pagesJson.count,
    bytes: Object.fromEntries(files.map((file) => [file.key, file.body.byteLength])),
  });
  await run.progress.status(jobId, "export", 1);
  await run.progress.step(jobId, "export", "completed");
}
