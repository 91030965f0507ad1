CREATE TABLE `payments` (
	`payer` text NOT NULL,
	`nonce` text NOT NULL,
	`status` text NOT NULL,
	`network` text NOT NULL,
	`amount` text NOT NULL,
	`job_id` text,
	`transaction` text,
	`error_reason` text,
	`payload` text NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	PRIMARY KEY(`payer`, `nonce`)
);
--> statement-breakpoint
CREATE INDEX `payments_status` ON `payments` (`status`);