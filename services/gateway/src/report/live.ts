/**
 * The script a running job's report page carries: it follows the job over the WebSocket,
 * moves the progress bar and counts, and reloads the page when the job ends. The page reads
 * fine without it.
 */
export function liveProgressScript(jobId: string): string {
  return `(() => {
  const bar = document.getElementById("progress");
  const step = document.getElementById("progress-step");
  const proto = location.protocol === "https:" ? "wss:" : "ws:";
  const ws = new WebSocket(proto + "//" + location.host + "/api/ws/${jobId}");
  ws.addEventListener("message", (event) => {
    const msg = JSON.parse(event.data);
    if (msg.type === "status") {
      bar.value = msg.progress;
      step.textContent = msg.step + ": " + msg.product_count + " products, " +
        msg.collection_count + " collections, " + msg.page_count + " pages";
    }
    if (msg.type === "complete" || msg.type === "error") location.reload();
  });
})();`;
}
