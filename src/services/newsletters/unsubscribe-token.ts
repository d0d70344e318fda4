import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { NewsletterStore } from '../../domain/ports/newsletter-store.ts';

const KEY_NAME = 'unsubscribe';

/** Who an unsubscribe link is for. */
export interface UnsubscribeTarget {
  memberId: number;
  newsletterId: number;
}

/**
 * Signs and reads unsubscribe tokens: "<member>.<newsletter>.<HMAC>". The RFC 8058 one-click POST
 * comes from the mail provider with no cookie and no form token, so the signature is the whole
 * guard: only the holder of the message can unsubscribe its member, and only from that list.
 */
export class UnsubscribeTokens {
  private readonly key: Buffer;

  constructor(key: string) {
    this.key = Buffer.from(key, 'base64url');
  }

  /** The database's signing key, made on first use, so every process signs alike. */
  static async load(store: Pick<NewsletterStore, 'keyFor'>, now: string): Promise<UnsubscribeTokens> {
    return new UnsubscribeTokens(await store.keyFor(KEY_NAME, randomBytes(32).toString('base64url'), now));
  }

  sign(target: UnsubscribeTarget): string {
    const payload = `${target.memberId}.${target.newsletterId}`;
    return `${payload}.${this.mac(payload)}`;
  }

  /** The target of a token with a valid signature; undefined for anything else. */
  verify(token: string): UnsubscribeTarget | undefined {
    const match = /^(\d{1,12})\.(\d{1,12})\.([\w-]{43})$/.exec(token);
    if (!match) return undefined;
    const [, member, newsletter, mac] = match as unknown as [string, string, string, string];
    const expected = Buffer.from(this.mac(`${member}.${newsletter}`));
    const given = Buffer.from(mac);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return undefined;
    return { memberId: Number(member), newsletterId: Number(newsletter) };
  }

  private mac(payload: string): string {
    return createHmac('sha256', this.key).update(`unsubscribe:${payload}`).digest('base64url');
  }
}
