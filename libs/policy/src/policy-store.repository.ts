import { Injectable } from '@nestjs/common';
import { PrismaService } from '@gatehouse/db';
import type { PolicyDocument } from './policy.types.js';

export interface StoredPolicyRef {
  document: PolicyDocument;
  /** Changes whenever the policy does: the compiled-policy cache key. */
  version: number;
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

function toRef(row: { id: string; name: string; rules: unknown; defaultAction: PolicyDocument['default_action']; updatedAt: Date }): StoredPolicyRef {
  // Rules were validated on write; compilePolicy validates them again.
  return { document: { id: row.id, name: row.name, rules: row.rules as PolicyDocument['rules'], default_action: row.defaultAction }, version: row.updatedAt.getTime() };
}
