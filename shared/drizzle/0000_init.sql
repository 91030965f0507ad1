CREATE TABLE `api_keys` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`key_hash` text NOT NULL,
	`prefix` text NOT NULL,
	`user_id` text,
	`created_at` text NOT NULL,
	`revoked_at` text
);
--> statement-breakpoint
CREATE UNIQUE INDEX `api_keys_key_hash_unique` ON `api_keys` (`key_hash`);--> statement-breakpoint
CREATE TABLE `collections` (
	`job_id` text NOT NULL,
	`handle` text NOT NULL,
	`collection_id` integer,
	`title` text,
	`source` text NOT NULL,
	`product_handles` text NOT NULL,
	`data` text NOT NULL,
	PRIMARY KEY(`job_id`, `handle`)
);
--> statement-breakpoint
CREATE TABLE `job_files` (
	`job_id` text NOT NULL,
	`key` text NOT NULL,
	`content_type` text NOT NULL,
	`size_bytes` integer NOT NULL,
	`body` blob NOT NULL,
	`created_at` text NOT NULL,
	PRIMARY KEY(`job_id`, `key`)
);
--> statement-breakpoint
CREATE TABLE `job_steps` (
	`job_id` text NOT NULL,
	`step` text NOT NULL,
	`status` text NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`started_at` text NOT NULL,
	`finished_at` text,
	`duration_ms` integer,
	`detail` text,
	`error` text,
	PRIMARY KEY(`job_id`, `step`)
);
--> statement-breakpoint
CREATE TABLE `jobs` (
	`id` text PRIMARY KEY NOT NULL,
	`domain` text NOT NULL,
	`slug` text NOT NULL,
	`status` text NOT NULL,
	`type` text DEFAULT 'full' NOT NULL,
	`indexer` text DEFAULT 'default' NOT NULL,
	`webhook_url` text,
	`notify_email` text,
	`user_id` text,
	`retry_of` text,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	`completed_at` text,
	`current_step` text,
	`progress_permille` integer DEFAULT 0 NOT NULL,
	`product_count` integer DEFAULT 0 NOT NULL,
	`collection_count` integer DEFAULT 0 NOT NULL,
	`page_count` integer DEFAULT 0 NOT NULL,
	`shop_meta` text,
	`insights` text,
	`downloads` text,
	`error_step` text,
	`error_code` text,
	`error_message` text,
	`error_attempts` integer
);
--> statement-breakpoint
CREATE INDEX `jobs_domain_created` ON `jobs` (`domain`,`created_at`);--> statement-breakpoint
CREATE TABLE `pages` (
	`job_id` text NOT NULL,
	`handle` text NOT NULL,
	`page_id` integer,
	`url` text NOT NULL,
	`title` text,
	`body_html` text,
	`fetch_error` text,
	PRIMARY KEY(`job_id`, `handle`)
);
--> statement-breakpoint
CREATE TABLE `products` (
	`job_id` text NOT NULL,
	`product_id` integer NOT NULL,
	`handle` text NOT NULL,
	`title` text NOT NULL,
	`vendor` text,
	`product_type` text,
	`source` text NOT NULL,
	`data` text NOT NULL,
	PRIMARY KEY(`job_id`, `product_id`)
);
--> statement-breakpoint
CREATE TABLE `sitemap_urls` (
	`job_id` text NOT NULL,
	`url` text NOT NULL,
	`kind` text NOT NULL,
	`lastmod` text,
	PRIMARY KEY(`job_id`, `url`)
);
--> statement-breakpoint
CREATE TABLE `webhook_callbacks` (
	`job_id` text NOT NULL,
	`kind` text NOT NULL,
	`target` text NOT NULL,
	`status` text NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`last_error` text,
	`updated_at` text NOT NULL,
	PRIMARY KEY(`job_id`, `kind`)
);
