import { Injectable } from '@nestjs/common';
import { PrismaService } from '@gatehouse/db';

/** Forgets the hashes of rotated secrets once their grace period is over. */
@Injectable()
export class SecretHygieneService {
  constructor(private readonly prisma: PrismaService) {}

  async purgeExpiredPreviousSecrets(now: Date = new Date()): Promise<number> {
    const where = { previousExpiresAt: { lte: now } };
    const data = { previousSecretHash: null, previousExpiresAt: null };
    const [keys, clients] = await this.prisma.$transaction([
      this.prisma.apiKey.updateMany({ where, data }),
      this.prisma.oAuthClient.updateMany({ where, data }),
    ]);
    return keys.count + clients.count;
  }
}
