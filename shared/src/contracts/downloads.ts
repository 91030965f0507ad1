/**
 * The export files of a job: `jobs.downloads` names them as the reference does, and
 * `GET /api/downloads?jobId=&key=` serves each by its key.
 */
export const DOWNLOADS = {
  csv: "products.csv",
  productsJson: "products.json",
  collectionsJson: "collections.json",
  pagesJson: "pages.json",
} as const;

/** Every key `GET /api/downloads` accepts; `screenshot.png` once the audit captures one. */
export const downloadKeys = [...Object.values(DOWNLOADS), "screenshot.png"] as const;
