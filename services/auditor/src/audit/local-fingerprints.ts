/**
 * Our own additions to the fingerprint data set, in its format, merged into the technology
 * of the same name (lists are appended to). Each one covers a trace seen on a real store
 * that the upstream data misses; send them upstream and drop them once it has them.
 */
export const LOCAL_FINGERPRINTS: Record<string, Record<string, unknown>> = {
  // purecane.com loads Stamped's widget from its Azure CDN host, which upstream lacks.
  Stamped: { scriptSrc: ["cdn-stamped-io\\.azureedge\\.net/"] },
};
