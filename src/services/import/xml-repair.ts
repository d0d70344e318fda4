/** Streaming escaper of bare ampersands; see {@link repairBareAmpersands}. */
export interface AmpersandRepair {
  /** Feeds the next piece of text; returns what can be passed on (some may be held back). */
  push(text: string, isLast?: boolean): string;
  /** Offsets (in the repaired output) of every `&` that was escaped. */
  readonly repairs: number[];
}

const REFERENCE = /&(?:[A-Za-z_:][A-Za-z0-9_:.-]{0,63}|#[0-9]{1,8}|#x[0-9A-Fa-f]{1,8});/y;
const LONGEST_REFERENCE = 80;

type State = 'text' | 'cdata' | 'comment' | 'pi';
const ENDS: Record<Exclude<State, 'text'>, string> = { cdata: ']]>', comment: '-->', pi: '?>' };

/**
 * Escapes `&` characters that start no entity or character reference, outside CDATA sections,
 * comments and processing instructions. Real WordPress exports sometimes carry raw `&` in URLs;
 * WordPress's importer falls back to a lenient parser that reads them literally, and this makes
 * a strict parser read them the same way. Well-formed XML passes through unchanged.
 */
export function repairBareAmpersands(): AmpersandRepair {
  let state: State = 'text';
  let carry = '';
  let emitted = 0;
  const repairs: number[] = [];
  return {
    repairs,
    push(text: string, isLast = false): string {
      const input = carry + text;
      const nextSpecial = specialFinder(input);
      carry = '';
      let out = '';
      let i = 0;
      while (i < input.length) {
        if (state !== 'text') {
          const end = ENDS[state];
          const at = input.indexOf(end, i);
          if (at === -1) {
            // Hold back a possible partial terminator.
            const keep = isLast ? input.length : Math.max(i, input.length - (end.length - 1));
            out += input.slice(i, keep);
            carry = input.slice(keep);
            i = input.length;
            break;
          }
          out += input.slice(i, at + end.length);
          i = at + end.length;
          state = 'text';
          continue;
        }
        const next = nextSpecial(i);
        if (next === -1) {
          out += input.slice(i);
          i = input.length;
          break;
        }
        out += input.slice(i, next);
        i = next;
        if (input[i] === '<') {
          const rest = input.length - i;
          if (!isLast && rest < 9) {
            carry = input.slice(i);
            i = input.length;
            break;
          }
          if (input.startsWith('<![CDATA[', i)) {
            out += '<![CDATA[';
            i += 9;
            state = 'cdata';
          } else if (input.startsWith('<!--', i)) {
            out += '<!--';
            i += 4;
            state = 'comment';
          } else if (input.startsWith('<?', i)) {
            out += '<?';
            i += 2;
            state = 'pi';
          } else {
            out += '<';
            i += 1;
          }
          continue;
        }
        // An ampersand.
        REFERENCE.lastIndex = i;
        const match = REFERENCE.exec(input);
        if (match) {
          out += match[0];
          i += match[0].length;
          continue;
        }
        if (!isLast && input.length - i < LONGEST_REFERENCE) {
          carry = input.slice(i);
          i = input.length;
          break;
        }
        repairs.push(emitted + out.length);
        out += '&amp;';
        i += 1;
      }
      emitted += out.length;
      return out;
    },
  };
}

/** Finds the next `&` or `<`, remembering the last hits so a long chunk is not rescanned per call. */
function specialFinder(text: string): (from: number) => number {
  let amp = -2;
  let lt = -2;
  return (from) => {
    if (amp !== -1 && amp < from) amp = text.indexOf('&', from);
    if (lt !== -1 && lt < from) lt = text.indexOf('<', from);
    if (amp === -1) return lt;
    if (lt === -1) return amp;
    return Math.min(amp, lt);
  };
}
