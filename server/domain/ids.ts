// Identifiers that sort by creation time (milliseconds, then random), so "newest first" pages by id.
import { randomBytes } from 'node:crypto';

export function sortableId(prefix: string): string {
  return `${prefix}_${Date.now().toString(36).padStart(9, '0')}${randomBytes(6).toString('hex')}`;
}
