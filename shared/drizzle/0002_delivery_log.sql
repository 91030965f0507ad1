ALTER TABLE `webhook_callbacks` ADD `event` text DEFAULT 'job.completed' NOT NULL;--> statement-breakpoint
ALTER TABLE `webhook_callbacks` ADD `last_status` integer;--> statement-breakpoint
ALTER TABLE `webhook_callbacks` ADD `next_attempt_at` text;