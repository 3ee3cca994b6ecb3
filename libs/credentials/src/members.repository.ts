import { Injectable } from '@nestjs/common';
import { isRecordNotFound, isUniqueViolation, PrismaService } from '@gatehouse/db';
import { ConflictError, NotFoundError } from '@gatehouse/common';

export type Role = 'owner' | 'admin' | 'viewer';

export interface Member {
  id: string;
  orgId: string;
  email: string;
  name: string | null;
  role: Role;
  createdAt: Date;
  updatedAt: Date;
  createdBy: string | null;
  updatedBy: string | null;
}

@Injectable()
export class MembersRepository {
  constructor(private readonly prisma: PrismaService) {}

  async create(orgId: string, member: { id: string; email: string; name: string | null; role: Role; createdBy: string }): Promise<Member> {
    try {
      return await this.prisma.member.create({ data: { ...member, orgId, updatedBy: member.createdBy } });
    } catch (err) {
      if (isUniqueViolation(err)) throw new ConflictError('member_exists', `A member with email ${member.email} already exists`);
      throw err;
    }
  }

  async findById(orgId: string, id: string): Promise<Member | null> {
    return this.prisma.member.findFirst({ where: { id, orgId } });
  }

  async list(orgId: string, limit: number, cursor?: string): Promise<Member[]> {
    return this.prisma.member.findMany({
      where: { orgId, ...(cursor ? { id: { gt: cursor } } : {}) },
      orderBy: { id: 'asc' },
      take: limit + 1,
    });
  }

  async countOwners(orgId: string): Promise<number> {
    return this.prisma.member.count({ where: { orgId, role: 'owner' } });
  }

  async update(orgId: string, id: string, data: { name?: string | null; role?: Role; updatedBy: string }): Promise<Member> {
    try {
      return await this.prisma.member.update({ where: { id, orgId }, data });
    } catch (err) {
      if (isRecordNotFound(err)) throw new NotFoundError('member', id);
      throw err;
    }
  }

  async delete(orgId: string, id: string): Promise<void> {
    const { count } = await this.prisma.member.deleteMany({ where: { id, orgId } });
    if (count === 0) throw new NotFoundError('member', id);
  }
}
