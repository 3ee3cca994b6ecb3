import { Injectable } from '@nestjs/common';
import { newId, NotFoundError, toPage, ValidationError, type Page } from '@gatehouse/common';
import { AdminAuditService } from '@gatehouse/audit';
import { CredentialCache, issueApiKeySecret, OWNER_SCOPES, type Actor } from '@gatehouse/credentials';
import { OrgsRepository, type Organization } from './orgs.repository.js';
import { validateSlug } from './slug.js';

export interface CreatedOrganization {
  organization: Organization;
  ownerKey: { id: string; name: string; prefix: string; scopes: string[]; secret: string; memberId: string | null };
}

@Injectable()
export class OrgsService {
  constructor(
    private readonly repo: OrgsRepository,
    private readonly cache: CredentialCache,
    private readonly audit: AdminAuditService,
  ) {}

  async create(input: { slug: string; name: string; ownerEmail?: string | null }, actor: Actor): Promise<CreatedOrganization> {
    const problem = validateSlug(input.slug);
    if (problem) throw new ValidationError([{ field: 'slug', message: problem }]);
    const org = { id: newId('org'), slug: input.slug, name: input.name };
    const issued = issueApiKeySecret();
    const member = input.ownerEmail ? { id: newId('usr'), email: input.ownerEmail.toLowerCase() } : null;
    const key = { id: newId('key'), name: 'owner', prefix: issued.prefix, secretHash: issued.hash, scopes: OWNER_SCOPES };
    const organization = await this.repo.createWithOwner(org, { member, key }, actor.id);
    await this.audit.record(organization.id, actor, 'create', 'organization', organization.id);
    return {
      organization,
      ownerKey: { id: key.id, name: key.name, prefix: key.prefix, scopes: key.scopes, secret: issued.secret, memberId: member?.id ?? null },
    };
  }

  async list(limit: number, cursor?: string): Promise<Page<Organization>> {
    return toPage(await this.repo.list(limit, cursor), limit);
  }

  /** Admin lookups accept the id or the slug. */
  async get(idOrSlug: string): Promise<Organization> {
    const org = idOrSlug.startsWith('org_') ? await this.repo.findById(idOrSlug) : await this.repo.findBySlug(idOrSlug);
    if (!org) throw new NotFoundError('organization', idOrSlug);
    return org;
  }

  async findBySlug(slug: string): Promise<Organization | null> {
    return this.repo.findBySlug(slug);
  }

  async update(idOrSlug: string, input: { name?: string; auditRetentionDays?: number; approvalTtlSeconds?: number }, actor: Actor): Promise<Organization> {
    const org = await this.get(idOrSlug);
    const updated = await this.repo.update(org.id, input);
    if (!updated) throw new NotFoundError('organization', idOrSlug);
    await this.audit.record(org.id, actor, 'update', 'organization', org.id);
    return updated;
  }

  async delete(idOrSlug: string, actor: Actor): Promise<void> {
    const org = await this.get(idOrSlug);
    if (!(await this.repo.delete(org.id))) throw new NotFoundError('organization', idOrSlug);
    await this.cache.invalidate(org.id);
    await this.audit.record(null, actor, 'delete', 'organization', org.id);
  }
}
