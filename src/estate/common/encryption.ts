/**
 * Customer managed KMS keys, one shape for the estate: rotated yearly, and a deletion can be
 * cancelled for 30 days (a key deleted by mistake makes everything under it unreadable).
 */
import type { ComposedTemplate } from '../patch-and-transform/types.js';
import { type ManagedProps, managed } from './managed.js';

export const KEY_DELETION_WINDOW_DAYS = 30;

export function encryptionKey(
  props: Omit<ManagedProps, 'service' | 'kind' | 'forProvider'> & { description: string },
): ComposedTemplate {
  const { description, ...rest } = props;
  return managed({
    ...rest,
    service: 'kms',
    kind: 'Key',
    forProvider: { description, enableKeyRotation: true, deletionWindowInDays: KEY_DELETION_WINDOW_DAYS },
  });
}
