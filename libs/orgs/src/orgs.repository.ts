import { Injectable } from '@nestjs/common';
import { isUniqueViolation, PrismaService } from '@gatehouse/db';
import { ConflictError } from '@gatehouse/common';

export interface Organization {
  id: string;
  slug: string;
  name: string;
  auditRetentionDays: number;
  approvalTtlSeconds: number;
  createdAt: Date;
  updatedAt: Date;
}

export interface OwnerSeed {
  member: { id: string; email: string } | null;
  key: { id: string; name: string; prefix: string; secretHash: string; scopes: string[] };
}

@Injectable()
export class OrgsRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** Organisation, optional owner member and owner key in one transaction. */
  async createWithOwner(org: { id: string; slug: string; name: string }, owner: OwnerSeed, actor: string): Promise<Organization> {
    try {
      return await this.prisma.$transaction(async (tx) => {
        const created = await tx.organization.create({ data: org });
        if (owner.member) {
          await tx.member.create({ data: { ...owner.member, orgId: org.id, role: 'owner', createdBy: actor, updatedBy: actor } });
        }
        await tx.apiKey.create({
          data: { ...owner.key, orgId: org.id, memberId: owner.member?.id ?? null, createdBy: actor, updatedBy: actor },
        });
        return created;
      });
    } catch (err) {
      if (isUniqueViolation(err)) throw new ConflictError('slug_taken', `The slug "${org.slug}" is already taken`);
      throw err;
    }
  }

  async findById(id: string): Promise<Organization | null> {
    return this.prisma.organization.findUnique({ where: { id } });
  }

  async findBySlug(slug: string): Promise<Organization | null> {
    return this.prisma.organization.findUnique({ where: { slug } });
  }

  async list(limit: number, cursor?: string): Promise<Organization[]> {
    return this.prisma.organization.findMany({
      where: cursor ? { id: { gt: cursor } } : {},
      orderBy: { id: 'asc' },
      take: limit + 1,
    });
  }

  async update(id: string, data: { name?: string; auditRetentionDays?: number; approvalTtlSeconds?: number }): Promise<Organization | null> {
    const { count } = await this.prisma.organization.updateMany({ where: { id }, data });
    return count ? this.findById(id) : null;
  }

  async delete(id: string): Promise<boolean> {
    const { count } = await this.prisma.organization.deleteMany({ where: { id } });
    return count > 0;
  }
}
