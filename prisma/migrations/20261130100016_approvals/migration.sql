-- CreateEnum
CREATE TYPE "ApprovalStatus" AS ENUM ('pending', 'approved', 'denied', 'expired');

-- CreateEnum
CREATE TYPE "ApprovalSource" AS ENUM ('mcp', 'check');

-- CreateEnum
CREATE TYPE "NotificationState" AS ENUM ('pending', 'delivered', 'failed', 'dead', 'none');

-- CreateEnum
CREATE TYPE "NotificationChannelType" AS ENUM ('webhook', 'slack');

-- CreateEnum
CREATE TYPE "DeliveryOutcome" AS ENUM ('delivered', 'failed', 'dead');

-- AlterTable
ALTER TABLE "organizations" ADD COLUMN     "approval_ttl_seconds" INTEGER NOT NULL DEFAULT 900;

-- CreateTable
CREATE TABLE "approvals" (
    "id" TEXT NOT NULL,
    "org_id" TEXT NOT NULL,
    "token_hash" TEXT NOT NULL,
    "status" "ApprovalStatus" NOT NULL DEFAULT 'pending',
    "source" "ApprovalSource" NOT NULL,
    "credential_id" TEXT NOT NULL,
    "credential_name" TEXT,
    "agent_id" TEXT,
    "gateway_id" TEXT,
    "connector_id" TEXT,
    "connector_name" TEXT NOT NULL,
    "tool_name" TEXT NOT NULL,
    "args_summary" JSONB NOT NULL,
    "args_digest" TEXT NOT NULL,
    "reason" TEXT NOT NULL,
    "policy_id" TEXT,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "decided_at" TIMESTAMPTZ(3),
    "decided_by" TEXT,
    "decision_note" TEXT,
    "duration" TEXT,
    "grant_id" TEXT,
    "consumed_at" TIMESTAMPTZ(3),
    "notification_state" "NotificationState" NOT NULL DEFAULT 'pending',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "approvals_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "approval_grants" (
    "id" TEXT NOT NULL,
    "org_id" TEXT NOT NULL,
    "approval_id" TEXT NOT NULL,
    "credential_id" TEXT NOT NULL,
    "connector_name" TEXT NOT NULL,
    "tool_name" TEXT NOT NULL,
    "duration" TEXT NOT NULL,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "revoked_at" TIMESTAMPTZ(3),
    "revoked_by" TEXT,
    "created_by" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "approval_grants_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "notification_channels" (
    "id" TEXT NOT NULL,
    "org_id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "type" "NotificationChannelType" NOT NULL,
    "url" TEXT NOT NULL,
    "secret_enc" TEXT NOT NULL,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "notification_channels_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "approval_deliveries" (
    "id" TEXT NOT NULL,
    "approval_id" TEXT NOT NULL,
    "channel_id" TEXT NOT NULL,
    "attempt" INTEGER NOT NULL,
    "outcome" "DeliveryOutcome" NOT NULL,
    "http_status" INTEGER,
    "error" TEXT,
    "duration_ms" INTEGER NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "approval_deliveries_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "approvals_token_hash_key" ON "approvals"("token_hash");

-- CreateIndex
CREATE INDEX "approvals_org_id_id_idx" ON "approvals"("org_id", "id");

-- CreateIndex
CREATE INDEX "approvals_org_id_status_id_idx" ON "approvals"("org_id", "status", "id");

-- CreateIndex
CREATE INDEX "approvals_status_expires_at_idx" ON "approvals"("status", "expires_at");

-- CreateIndex
CREATE INDEX "approvals_org_id_credential_id_connector_name_tool_name_sta_idx" ON "approvals"("org_id", "credential_id", "connector_name", "tool_name", "status");

-- CreateIndex
CREATE INDEX "approval_grants_org_id_id_idx" ON "approval_grants"("org_id", "id");

-- CreateIndex
CREATE INDEX "approval_grants_org_id_credential_id_connector_name_tool_na_idx" ON "approval_grants"("org_id", "credential_id", "connector_name", "tool_name", "expires_at");

-- CreateIndex
CREATE INDEX "notification_channels_org_id_id_idx" ON "notification_channels"("org_id", "id");

-- CreateIndex
CREATE UNIQUE INDEX "notification_channels_org_id_name_key" ON "notification_channels"("org_id", "name");

-- CreateIndex
CREATE INDEX "approval_deliveries_approval_id_created_at_idx" ON "approval_deliveries"("approval_id", "created_at");

-- CreateIndex
CREATE INDEX "approval_deliveries_channel_id_idx" ON "approval_deliveries"("channel_id");

-- AddForeignKey
ALTER TABLE "approvals" ADD CONSTRAINT "approvals_org_id_fkey" FOREIGN KEY ("org_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "approval_grants" ADD CONSTRAINT "approval_grants_org_id_fkey" FOREIGN KEY ("org_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "notification_channels" ADD CONSTRAINT "notification_channels_org_id_fkey" FOREIGN KEY ("org_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "approval_deliveries" ADD CONSTRAINT "approval_deliveries_approval_id_fkey" FOREIGN KEY ("approval_id") REFERENCES "approvals"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "approval_deliveries" ADD CONSTRAINT "approval_deliveries_channel_id_fkey" FOREIGN KEY ("channel_id") REFERENCES "notification_channels"("id") ON DELETE CASCADE ON UPDATE CASCADE;
