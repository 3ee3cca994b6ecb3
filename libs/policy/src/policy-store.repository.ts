import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { PrismaService } from '@gatehouse/db';
import type { PolicyDocument } from './policy.types.js';

export interface StoredPolicyRef {
  document: PolicyDocument;
  /** A digest of the document, which changes whenever what it decides does (however the row was written): the compiled-policy cache key. */
  version: string;
}

/** The policy documents the data plane evaluates (read side). */
@Injectable()
export class PolicyStoreRepository {
  constructor(private readonly prisma: PrismaService) {}

  async findForEvaluation(orgId: string, id: string): Promise<StoredPolicyRef | null> {
    const row = await this.prisma.policy.findFirst({ where: { id, orgId } });
    return row ? toRef(row) : null;
  }

  async findOrgDefault(orgId: string): Promise<StoredPolicyRef | null> {
    const row = await this.prisma.policy.findFirst({ where: { orgId, isDefault: true } });
    return row ? toRef(row) : null;
  }
}

function toRef(row: { id: string; name: string; rules: unknown; defaultAction: PolicyDocument['default_action'] }): StoredPolicyRef {
  // Rules were validated on write; compilePolicy validates them again.
  const document: PolicyDocument = { id: row.id, name: row.name, rules: row.rules as PolicyDocument['rules'], default_action: row.defaultAction };
  return { document, version: createHash('sha256').update(JSON.stringify(document)).digest('base64url') };
}
