/**
 * Pays for one analysis job with x402 (USDC on Base) and prints the job and the settlement:
 *
 *   PRIVATE_KEY=0x… GATEWAY_URL=http://localhost:3000 ./node_modules/.bin/bun scripts/pay-job.ts allbirds.com
 *
 * The first `POST /api/jobs` answers 402 with the price; x402-fetch signs a USDC transfer
 * authorization with the key and sends the request again with `X-PAYMENT`. Nothing is paid
 * unless the price is at most MAX_PRICE_ATOMIC (default 10000000, that is 10 USDC).
 * X402_NETWORK=base-sepolia pays on the test network.
 */
import { createSigner, decodeXPaymentResponse, wrapFetchWithPayment } from "x402-fetch";

const domain = process.argv[2];
const privateKey = process.env.PRIVATE_KEY;
if (!domain || !privateKey?.match(/^0x[0-9a-fA-F]{64}$/)) {
  console.error(
    "usage: PRIVATE_KEY=0x<64 hex> ./node_modules/.bin/bun scripts/pay-job.ts <store domain>",
  );
  process.exit(2);
}
const gateway = (process.env.GATEWAY_URL ?? "http://localhost:3000").replace(/\/+$/, "");
const maxPrice = BigInt(process.env.MAX_PRICE_ATOMIC ?? "10000000");
const network = process.env.X402_NETWORK === "base-sepolia" ? "base-sepolia" : "base";

// The signer only signs the transfer authorization, locally; the facilitator submits it.
const wallet = await createSigner(network, privateKey);
const fetchWithPayment = wrapFetchWithPayment(fetch, wallet, maxPrice);

const response = await fetchWithPayment(`${gateway}/api/jobs`, {
  method: "POST",
  headers: { "content-type": "application/json" },
  body: JSON.stringify({ domain }),
});
const body = await response.json().catch(() => null);
if (!response.ok) {
  console.error(`job not created: HTTP ${response.status}`, JSON.stringify(body));
  process.exit(1);
}
const header = response.headers.get("x-payment-response");
const settlement = header ? decodeXPaymentResponse(header) : null;
console.log(JSON.stringify({ job: body.job, settlement }, null, 2));
console.error(`follow it: ${gateway}/api/jobs/${body.job.id}/status`);
