import { Injectable } from '@nestjs/common';
import { newId, NotFoundError, toPage, type Page } from '@gatehouse/common';
import { AdminAuditService, type AuditActor } from '@gatehouse/audit';
import { CredentialCache } from '@gatehouse/credentials';
import { AgentsRepository, type Agent } from './agents.repository.js';

@Injectable()
export class AgentsService {
  constructor(
    private readonly repo: AgentsRepository,
    private readonly audit: AdminAuditService,
    private readonly cache: CredentialCache,
  ) {}

  async create(orgId: string, input: { name: string; description?: string | null }, actor: AuditActor): Promise<Agent> {
    const agent = await this.repo.create(orgId, { id: newId('agent'), name: input.name, description: input.description ?? null, createdBy: actor.id });
    await this.audit.record(orgId, actor, 'create', 'agent', agent.id);
    return agent;
  }

  async list(orgId: string, limit: number, cursor?: string): Promise<Page<Agent>> {
    return toPage(await this.repo.list(orgId, limit, cursor), limit);
  }

  async get(orgId: string, id: string): Promise<Agent> {
    const agent = await this.repo.findById(orgId, id);
    if (!agent) throw new NotFoundError('agent', id);
    return agent;
  }

  async exists(orgId: string, id: string): Promise<boolean> {
    return (await this.repo.findById(orgId, id)) !== null;
  }

  async update(orgId: string, id: string, input: { name?: string; description?: string | null }, actor: AuditActor): Promise<Agent> {
    const agent = await this.repo.update(orgId, id, { ...input, updatedBy: actor.id });
    await this.audit.record(orgId, actor, 'update', 'agent', id);
    return agent;
  }

  async delete(orgId: string, id: string, actor: AuditActor): Promise<void> {
    await this.repo.delete(orgId, id);
    // Bound credentials were unbound by the database; cached bindings must follow.
    await this.cache.invalidate(orgId);
    await this.audit.record(orgId, actor, 'delete', 'agent', id);
  }
}
