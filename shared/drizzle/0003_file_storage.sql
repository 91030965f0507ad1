DROP INDEX "api_keys_key_hash_unique";--> statement-breakpoint
DROP INDEX "jobs_domain_created";--> statement-breakpoint
ALTER TABLE `job_files` ALTER COLUMN "body" TO "body" blob;--> statement-breakpoint
CREATE UNIQUE INDEX `api_keys_key_hash_unique` ON `api_keys` (`key_hash`);--> statement-breakpoint
CREATE INDEX `jobs_domain_created` ON `jobs` (`domain`,`created_at`);--> statement-breakpoint
ALTER TABLE `job_files` ADD `expires_at` text;--> statement-breakpoint
ALTER TABLE `job_files` ADD `purged_at` text;