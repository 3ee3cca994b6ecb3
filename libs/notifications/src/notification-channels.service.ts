import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type Env } from '@gatehouse/config';
import { newId, NotFoundError, toPage, ValidationError, type Page } from '@gatehouse/common';
import { AdminAuditService, type AuditActor } from '@gatehouse/audit';
import { checkUpstreamUrl } from '@gatehouse/connectors';
import { newChannelSecret, sealChannelSecret } from './channel-secret.js';
import {
  CHANNEL_TYPES,
  NotificationChannelsRepository,
  type ChannelChanges,
  type ChannelType,
  type NotificationChannel,
} from './notification-channels.repository.js';

export interface NewChannel {
  name: string;
  type?: string;
  url: string;
  enabled?: boolean;
}

export interface ChannelUpdate {
  name?: string;
  type?: string;
  url?: string;
  enabled?: boolean;
}

/** The secret is in this answer and nowhere else, ever again. */
export type ChannelWithSecret = NotificationChannel & { secret: string };

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;
const MAX_URL = 2048;

/**
 * Where an org's approval requests are sent. Each channel signs with its own
 * secret, generated here, answered once, stored sealed; rotation replaces it
 * at once.
 */
@Injectable()
export class NotificationChannelsService {
  constructor(
    private readonly repo: NotificationChannelsRepository,
    private readonly audit: AdminAuditService,
    @Inject(APP_CONFIG) private readonly env: Env,
  ) {}

  async create(orgId: string, input: NewChannel, actor: AuditActor): Promise<ChannelWithSecret> {
    const valid = this.validate(input, ['name', 'url']);
    const id = newId('chan');
    const secret = newChannelSecret();
    const channel = await this.repo.create(orgId, {
      id,
      name: valid.name ?? '',
      type: valid.type ?? 'webhook',
      url: valid.url ?? '',
      enabled: valid.enabled ?? true,
      secretEnc: sealChannelSecret(this.env, orgId, id, secret),
    });
    await this.audit.record(orgId, actor, 'create', 'notification_channel', id);
    return { ...channel, secret };
  }

  async list(orgId: string, limit: number, cursor?: string): Promise<Page<NotificationChannel>> {
    return toPage(await this.repo.list(orgId, limit, cursor), limit);
  }

  async get(orgId: string, id: string): Promise<NotificationChannel> {
    const channel = await this.repo.findById(orgId, id);
    if (!channel) throw new NotFoundError('notification_channel', id);
    return channel;
  }

  async update(orgId: string, id: string, input: ChannelUpdate, actor: AuditActor): Promise<NotificationChannel> {
    const changes = this.validate(input);
    const channel = await this.repo.update(orgId, id, changes);
    if (!channel) throw new NotFoundError('notification_channel', id);
    await this.audit.record(orgId, actor, 'update', 'notification_channel', id);
    return channel;
  }

  async rotateSecret(orgId: string, id: string, actor: AuditActor): Promise<ChannelWithSecret> {
    const secret = newChannelSecret();
    const channel = await this.repo.update(orgId, id, { secretEnc: sealChannelSecret(this.env, orgId, id, secret) });
    if (!channel) throw new NotFoundError('notification_channel', id);
    await this.audit.record(orgId, actor, 'rotate', 'notification_channel', id);
    return { ...channel, secret };
  }

  async delete(orgId: string, id: string, actor: AuditActor): Promise<void> {
    if (!(await this.repo.delete(orgId, id))) throw new NotFoundError('notification_channel', id);
    await this.audit.record(orgId, actor, 'delete', 'notification_channel', id);
  }

  /**
   * Shared by api and worker code, so it checks its own input even behind a
   * DTO. The URL must be https (http only where private upstreams are
   * allowed, i.e. development) and may not name a private address; the
   * resolved address is checked again at every delivery.
   */
  private validate(input: ChannelUpdate, required: (keyof ChannelUpdate)[] = []): ChannelChanges {
    const problems: { field: string; message: string }[] = required.filter((f) => input[f] === undefined).map((field) => ({ field, message: 'is required' }));
    const out: ChannelChanges = {};
    if (input.enabled !== undefined) {
      if (typeof input.enabled === 'boolean') out.enabled = input.enabled;
      else problems.push({ field: 'enabled', message: 'must be a boolean' });
    }
    if (input.name !== undefined) {
      if (typeof input.name === 'string' && NAME.test(input.name)) out.name = input.name;
      else problems.push({ field: 'name', message: 'must be 1-100 letters, digits, ".", "_" or "-", starting with a letter or digit' });
    }
    if (input.type !== undefined) {
      if (typeof input.type === 'string' && (CHANNEL_TYPES as readonly string[]).includes(input.type)) out.type = input.type as ChannelType;
      else problems.push({ field: 'type', message: `must be one of ${CHANNEL_TYPES.join(', ')}` });
    }
    if (input.url !== undefined) {
      const problem = typeof input.url === 'string' ? this.urlProblem(input.url) : 'must be a string';
      if (problem) problems.push({ field: 'url', message: problem });
      else out.url = input.url;
    }
    if (problems.length) throw new ValidationError(problems);
    return out;
  }

  private urlProblem(url: string): string | null {
    if (url.length > MAX_URL) return `must be at most ${MAX_URL} characters`;
    const check = checkUpstreamUrl(url, this.env.ALLOW_PRIVATE_UPSTREAMS);
    if (!check.ok) return check.reason;
    if (check.url.protocol !== 'https:' && !this.env.ALLOW_PRIVATE_UPSTREAMS) return 'must use https';
    return null;
  }
}
