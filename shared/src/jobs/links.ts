/** The public URLs of a job, as the webhook payload and the `complete` event name them. */
export interface JobLinks {
  /** The human report page. */
  report_url: string;
  /** `GET /api/reports/:id`. */
  api_url: string;
  /** `GET /api/jobs/:id/status`. */
  status_url: string;
}

/** Builds a job's links under `publicUrl` (`PUBLIC_URL`, without a trailing slash). */
export function jobLinks(publicUrl: string, jobId: string): JobLinks {
  const base = publicUrl.replace(/\/+$/, "");
  const id = encodeURIComponent(jobId);
  return {
    report_url: `${base}/report/${id}`,
    api_url: `${base}/api/reports/${id}`,
    status_url: `${base}/api/jobs/${id}/status`,
  };
}
