import { Injectable } from '@nestjs/common';
import { ConflictError, newId, NotFoundError, toPage, type Page } from '@gatehouse/common';
import { AdminAuditService } from '@gatehouse/audit';
import { MembersRepository, type Member, type Role } from './members.repository.js';
import type { Actor } from './principal.js';

@Injectable()
export class MembersService {
  constructor(
    private readonly repo: MembersRepository,
    private readonly audit: AdminAuditService,
  ) {}

  async create(orgId: string, input: { email: string; name?: string | null; role: Role }, actor: Actor): Promise<Member> {
    const member = await this.repo.create(orgId, {
      id: newId('usr'),
      email: input.email.toLowerCase(),
      name: input.name ?? null,
      role: input.role,
      createdBy: actor.id,
    });
    await this.audit.record(orgId, actor, 'create', 'member', member.id);
    return member;
  }

  async list(orgId: string, limit: number, cursor?: string): Promise<Page<Member>> {
    return toPage(await this.repo.list(orgId, limit, cursor), limit);
  }

  async get(orgId: string, id: string): Promise<Member> {
    const member = await this.repo.findById(orgId, id);
    if (!member) throw new NotFoundError('member', id);
    return member;
  }

  async update(orgId: string, id: string, input: { name?: string | null; role?: Role }, actor: Actor): Promise<Member> {
    const current = await this.get(orgId, id);
    if (current.role === 'owner' && input.role && input.role !== 'owner') await this.assertNotLastOwner(orgId);
    const member = await this.repo.update(orgId, id, { ...input, updatedBy: actor.id });
    await this.audit.record(orgId, actor, 'update', 'member', id);
    return member;
  }

  async delete(orgId: string, id: string, actor: Actor): Promise<void> {
    const current = await this.get(orgId, id);
    if (current.role === 'owner') await this.assertNotLastOwner(orgId);
    await this.repo.delete(orgId, id);
    await this.audit.record(orgId, actor, 'delete', 'member', id);
  }

  private async assertNotLastOwner(orgId: string): Promise<void> {
    if ((await this.repo.countOwners(orgId)) <= 1) {
      throw new ConflictError('last_owner', 'An organisation must keep at least one owner');
    }
  }
}
