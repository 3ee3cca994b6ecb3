-- CreateEnum
CREATE TYPE "AuditKind" AS ENUM ('check', 'call', 'list');

-- AlterTable
ALTER TABLE "organizations" ADD COLUMN     "audit_retention_days" INTEGER NOT NULL DEFAULT 90;

-- CreateTable
CREATE TABLE "audit_entries" (
    "id" TEXT NOT NULL,
    "org_id" TEXT NOT NULL,
    "timestamp" TIMESTAMPTZ(3) NOT NULL,
    "kind" "AuditKind" NOT NULL,
    "connector_id" TEXT,
    "connector_name" TEXT,
    "tool_name" TEXT,
    "agent_id" TEXT,
    "credential_id" TEXT NOT NULL,
    "gateway_id" TEXT,
    "decision" TEXT NOT NULL,
    "reason" TEXT,
    "policy_id" TEXT,
    "rule_index" INTEGER,
    "duration_ms" INTEGER,
    "success" BOOLEAN,
    "error_code" TEXT,
    "findings" JSONB,
    "completed_at" TIMESTAMPTZ(3),

    CONSTRAINT "audit_entries_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "audit_entries_org_id_id_idx" ON "audit_entries"("org_id", "id");

-- CreateIndex
CREATE INDEX "audit_entries_org_id_timestamp_idx" ON "audit_entries"("org_id", "timestamp");
