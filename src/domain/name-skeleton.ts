// What a name looks like, rather than how it is spelled: two names with one skeleton make bylines
// readers cannot tell apart. In the spirit of Unicode's confusables skeleton (UTS #39), for the
// letters names are written in; stored beside each person (people.name_skeleton) to be looked up.

/**
 * Letters of other scripts, and Latin variants, that look like a basic Latin letter. Upper and
 * lower case are listed apart: Greek "Ν" looks like "N" while its lower case "ν" looks like "v".
 */
const LOOKALIKES: Readonly<Record<string, string>> = {
  // Cyrillic
  А: 'A',
  В: 'B',
  Е: 'E',
  Ѕ: 'S',
  І: 'I',
  Ј: 'J',
  К: 'K',
  М: 'M',
  Н: 'H',
  О: 'O',
  Р: 'P',
  С: 'C',
  Т: 'T',
  У: 'Y',
  Ү: 'Y',
  Х: 'X',
  Ԛ: 'Q',
  Ԝ: 'W',
  Ӏ: 'l',
  а: 'a',
  в: 'b',
  е: 'e',
  к: 'k',
  м: 'm',
  н: 'h',
  о: 'o',
  р: 'p',
  с: 'c',
  т: 't',
  у: 'y',
  ү: 'y',
  х: 'x',
  ѕ: 's',
  і: 'i',
  ј: 'j',
  ԁ: 'd',
  һ: 'h',
  ԛ: 'q',
  ԝ: 'w',
  ӏ: 'l',
  // Greek
  Α: 'A',
  Β: 'B',
  Ε: 'E',
  Ζ: 'Z',
  Η: 'H',
  Ι: 'I',
  Κ: 'K',
  Μ: 'M',
  Ν: 'N',
  Ο: 'O',
  Ρ: 'P',
  Τ: 'T',
  Υ: 'Y',
  Χ: 'X',
  α: 'a',
  β: 'b',
  γ: 'y',
  ε: 'e',
  η: 'n',
  ι: 'i',
  κ: 'k',
  ν: 'v',
  ο: 'o',
  ρ: 'p',
  τ: 't',
  υ: 'u',
  χ: 'x',
  ω: 'w',
  ϲ: 'c',
  Ϲ: 'C',
  ϳ: 'j',
  // Armenian
  հ: 'h',
  ո: 'n',
  ս: 'u',
  օ: 'o',
  ց: 'g',
  զ: 'q',
  // Latin variants and small capitals
  ı: 'i',
  ȷ: 'j',
  ɑ: 'a',
  ɡ: 'g',
  ɩ: 'i',
  ǀ: 'l',
  ᴀ: 'a',
  ʙ: 'b',
  ᴄ: 'c',
  ᴅ: 'd',
  ᴇ: 'e',
  ɢ: 'g',
  ʜ: 'h',
  ɪ: 'i',
  ᴊ: 'j',
  ᴋ: 'k',
  ʟ: 'l',
  ᴍ: 'm',
  ɴ: 'n',
  ᴏ: 'o',
  ᴘ: 'p',
  ʀ: 'r',
  ꜱ: 's',
  ᴛ: 't',
  ᴜ: 'u',
  ᴠ: 'v',
  ᴡ: 'w',
  ʏ: 'y',
  ᴢ: 'z',
  ß: 'ss',
  // Punctuation names use, in its look-alike forms
  '\u2010': '-',
  '\u2011': '-',
  '\u2012': '-',
  '\u2013': '-',
  '\u2014': '-',
  '\u2212': '-',
  '\u02bc': "'",
  '\u2018': "'",
  '\u2019': "'",
  '\u2032': "'",
  '`': "'",
  '\u00b4': "'",
};

const lookalike = (letter: string): string => LOOKALIKES[letter] ?? letter;

/**
 * A name as it looks rather than as it is spelled: compatibility forms folded (NFKC: fullwidth,
 * mathematical, ligatures), accents on Latin, Greek and Cyrillic letters and invisible characters
 * removed, lookalike letters of other scripts read as Latin, case and spacing ignored.
 *
 * @example nameSkeleton('N\u0430dia  K\u043ervell') === nameSkeleton('nadia korvell') // 'nadia korvell'
 */
export function nameSkeleton(name: string): string {
  return (
    name
      .normalize('NFKD')
      .replace(/[\p{Default_Ignorable_Code_Point}\p{Cf}]/gu, '')
      // Accents are dropped only where they sit on a letter that reads without them: in other
      // scripts (Devanagari, Arabic, Thai) the marks are vowels, and two names differ by them.
      .replace(/([\p{Script=Latin}\p{Script=Greek}\p{Script=Cyrillic}])\p{M}+/gu, '$1')
      .replace(/./gu, lookalike)
      .toLowerCase()
      // Capitals the table does not list (Cyrillic "Ԁ") get a second look in lower case.
      .replace(/./gu, lookalike)
      .replace(/\s+/gu, ' ')
      .trim()
      .normalize('NFC')
  );
}
