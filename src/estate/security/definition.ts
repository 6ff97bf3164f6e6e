/** Security: one region's security groups (ALB, app, database) and their rules. */
import { z } from 'zod';
import { withRules } from '../../schema/x-kubernetes.js';
import { estateDefinition } from '../api.js';
import {
  appPort,
  commonSpecFields,
  commonSpecRules,
  regionInPair,
  statusString,
} from '../common/parameters.js';
import { SECURITY_GROUP_ROLES, type SecurityGroupRole } from './groups.js';
import { securityIdentity } from './identity.js';

export const securitySpec = withRules(
  z.strictObject({
    ...commonSpecFields,
    region: regionInPair(),
    appPort: appPort(),
  }),
  commonSpecRules,
);

export const securityStatus = z.strictObject({
  securityGroupIds: z
    .strictObject(
      Object.fromEntries(SECURITY_GROUP_ROLES.map((role) => [role, statusString().optional()])) as Record<
        SecurityGroupRole,
        z.ZodOptional<ReturnType<typeof statusString>>
      >,
    )
    .optional(),
});

export const securityDefinition = estateDefinition(securityIdentity, {
  description:
    'Security groups of one region: ALB from the internet, app from the ALB, database from the app; ' +
    'nothing else in or out but the app’s HTTPS to AWS APIs.',
  spec: securitySpec,
  status: securityStatus,
  printerColumns: [{ name: 'Region', type: 'string', jsonPath: '.spec.region' }],
});
