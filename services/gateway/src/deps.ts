import type { StoreFetcher } from "@shopsniffer/shared/store/fetch";
import type { ServiceContext } from "@shopsniffer/shared/service";
import type { GatewayConfig } from "./config.ts";

/** What the gateway's routes need: the service context and the store check. */
export interface GatewayDeps {
  svc: ServiceContext<GatewayConfig>;
  fetchStore: StoreFetcher;
  /** Throws the reference's 4xx error when `domain` is not an analysable Shopify store. */
  checkStore(domain: string): Promise<void>;
}
