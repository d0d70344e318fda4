import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { NewsletterStore } from '../../domain/ports/newsletter-store.ts';

const KEY_NAME = 'unsubscribe';

/** Who an unsubscribe link is for. */
export interface UnsubscribeTarget {
  memberId: number;
  newsletterId: number;
}

/** Whose newsletter choices a link opens, and until when. */
export interface PreferencesTarget {
  memberId: number;
  expiresAt: Date;
}

type TokenPurpose = 'unsubscribe' | 'preferences' | 'message-id';

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
    return `${payload}.${this.mac('unsubscribe', payload)}`;
  }

  /**
   * A token for a member's newsletter choices, "p<member>.<expiry in seconds>.<HMAC>". Unlike an
   * unsubscribe link it can subscribe too, so it runs out (a forwarded old newsletter stops
   * opening the reader's choices); its MAC is made under another purpose, so neither kind of
   * token passes for the other.
   */
  signPreferences(target: PreferencesTarget): string {
    const payload = `p${target.memberId}.${Math.floor(target.expiresAt.getTime() / 1000)}`;
    return `${payload}.${this.mac('preferences', payload)}`;
  }

  /**
   * The secret part of the Message-ID of an issue's copy for a member (22 characters, 132 bits):
   * the same on every try, and unknown to anyone who did not receive the message.
   */
  messageTag(input: { issueId: number; memberId: number }): string {
    return this.mac('message-id', `${input.issueId}.${input.memberId}`).slice(0, 22);
  }

  /** The member of a choices token with a valid signature that has not run out by `now`. */
  verifyPreferences(token: string, now: Date): { memberId: number } | undefined {
    const match = /^p(\d{1,12})\.(\d{1,12})\.([\w-]{43})$/.exec(token);
    if (!match) return undefined;
    const [, member, expires, mac] = match as unknown as [string, string, string, string];
    if (!this.isMac('preferences', `p${member}.${expires}`, mac)) return undefined;
    if (Number(expires) * 1000 <= now.getTime()) return undefined;
    return { memberId: Number(member) };
  }

  /** The target of a token with a valid signature; undefined for anything else. */
  verify(token: string): UnsubscribeTarget | undefined {
    const match = /^(\d{1,12})\.(\d{1,12})\.([\w-]{43})$/.exec(token);
    if (!match) return undefined;
    const [, member, newsletter, mac] = match as unknown as [string, string, string, string];
    if (!this.isMac('unsubscribe', `${member}.${newsletter}`, mac)) return undefined;
    return { memberId: Number(member), newsletterId: Number(newsletter) };
  }

  private isMac(purpose: TokenPurpose, payload: string, mac: string): boolean {
    const expected = Buffer.from(this.mac(purpose, payload));
    const given = Buffer.from(mac);
    return expected.length === given.length && timingSafeEqual(expected, given);
  }

  private mac(purpose: TokenPurpose, payload: string): string {
    return createHmac('sha256', this.key).update(`${purpose}:${payload}`).digest('base64url');
  }
}
