import { Injectable } from '@nestjs/common';
import { isRecordNotFound, isUniqueViolation, PrismaService } from '@gatehouse/db';
import { ConflictError, NotFoundError } from '@gatehouse/common';

export interface Agent {
  id: string;
  orgId: string;
  name: string;
  description: string | null;
  lastSeenAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
  createdBy: string | null;
  updatedBy: string | null;
}

const taken = (name: string) => new ConflictError('agent_name_taken', `An agent named "${name}" already exists`);

@Injectable()
export class AgentsRepository {
  constructor(private readonly prisma: PrismaService) {}

  async create(orgId: string, agent: { id: string; name: string; description: string | null; createdBy: string }): Promise<Agent> {
    try {
      return await this.prisma.agent.create({ data: { ...agent, orgId, updatedBy: agent.createdBy } });
    } catch (err) {
      if (isUniqueViolation(err)) throw taken(agent.name);
      throw err;
    }
  }

  async findById(orgId: string, id: string): Promise<Agent | null> {
    return this.prisma.agent.findFirst({ where: { id, orgId } });
  }

  async list(orgId: string, limit: number, cursor?: string): Promise<Agent[]> {
    return this.prisma.agent.findMany({
      where: { orgId, ...(cursor ? { id: { gt: cursor } } : {}) },
      orderBy: { id: 'asc' },
      take: limit + 1,
    });
  }

  async update(orgId: string, id: string, data: { name?: string; description?: string | null; updatedBy: string }): Promise<Agent> {
    try {
      return await this.prisma.agent.update({ where: { id, orgId }, data });
    } catch (err) {
      if (isRecordNotFound(err)) throw new NotFoundError('agent', id);
      if (isUniqueViolation(err)) throw taken(data.name ?? '');
      throw err;
    }
  }

  async delete(orgId: string, id: string): Promise<void> {
    const { count } = await this.prisma.agent.deleteMany({ where: { id, orgId } });
    if (count === 0) throw new NotFoundError('agent', id);
  }
}
