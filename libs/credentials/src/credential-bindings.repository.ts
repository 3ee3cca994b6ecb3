import { Injectable } from '@nestjs/common';
import { PrismaService } from '@gatehouse/db';
import { UnprocessableError } from '@gatehouse/common';

export interface Bindings {
  memberId?: string | null;
  agentId?: string | null;
  policyId?: string | null;
  gatewayId?: string | null;
}

/** A credential may only be bound to a member, agent, policy or gateway of its own organisation. */
@Injectable()
export class CredentialBindingsRepository {
  constructor(private readonly prisma: PrismaService) {}

  async assertBindable(orgId: string, b: Bindings): Promise<void> {
    const [member, agent, policy, gateway] = await Promise.all([
      b.memberId ? this.prisma.member.findFirst({ where: { id: b.memberId, orgId }, select: { id: true } }) : true,
      b.agentId ? this.prisma.agent.findFirst({ where: { id: b.agentId, orgId }, select: { id: true } }) : true,
      b.policyId ? this.prisma.policy.findFirst({ where: { id: b.policyId, orgId }, select: { id: true } }) : true,
      b.gatewayId ? this.prisma.gateway.findFirst({ where: { id: b.gatewayId, orgId }, select: { id: true } }) : true,
    ]);
    if (!member) throw new UnprocessableError('member_not_found', `No member found with id ${b.memberId}`);
    if (!agent) throw new UnprocessableError('agent_not_found', `No agent found with id ${b.agentId}`);
    if (!policy) throw new UnprocessableError('policy_not_found', `No policy found with id ${b.policyId}`);
    if (!gateway) throw new UnprocessableError('gateway_not_found', `No gateway found with id ${b.gatewayId}`);
  }
}
