import { createHash } from 'node:crypto';

export const TAG = {
  stage: 'cloudboot:stage',
  owner: 'cloudboot:owner',
  name: 'cloudboot:name',
  imageLabel: 'cloudboot:image-label',
  idempotencyKey: 'cloudboot:idempotency-key',
  managedBy: 'ManagedBy',
  displayName: 'Name',
} as const;

export const MANAGED_BY = 'cloudboot';

/** States that count toward the quota and name uniqueness ("non-terminated"). */
export const LIVE_STATES = ['pending', 'running', 'stopping', 'stopped'] as const;

const ownerDigest = (owner: string, key: string): string =>
  createHash('sha256').update(`${owner}\n${key}`).digest('hex');

/** The `cloudboot:idempotency-key` tag value: sha256(owner + "\n" + key), hex, first 32 characters. */
export const idempotencyTag = (owner: string, key: string): string => ownerDigest(owner, key).slice(0, 32);

/** EC2 ClientToken (≤ 64 ASCII characters), deterministic per owner and key. */
export const clientToken = (owner: string, key: string): string => ownerDigest(owner, key);

/** `cloudboot-<owner-ish>-<name>` for the console's Name column; the sub is shortened and sanitised. */
export const displayName = (owner: string, name: string): string => {
  const ownerish =
    owner
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 16)
      .replace(/-+$/, '') || 'owner';
  return `cloudboot-${ownerish}-${name}`;
};
