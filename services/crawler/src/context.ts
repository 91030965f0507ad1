import type { BaseConfig } from "@shopsniffer/shared/config";
import type { ServiceContext } from "@shopsniffer/shared/service";
import type { StoreFetcher } from "@shopsniffer/shared/store/fetch";
import type { CrawlerSettings } from "./config.ts";

export type CrawlerConfig = CrawlerSettings & BaseConfig;

/** What every crawler stage needs: the booted service and a fetch that only reaches stores. */
export interface CrawlerDeps {
  svc: ServiceContext<CrawlerConfig>;
  fetchStore: StoreFetcher;
}
