import { parseStrictDate } from '../../domain/dates.ts';
import { html, type SafeHtml } from './html.ts';

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const LOCAL_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,3})?)?$/;

/**
 * The input type that can show a date field's value. A browser's date picker blanks any value
 * that is not a real date, so a mistyped date came back empty beside its error message; such a
 * value is shown in a text box instead, as it was typed, until it is put right.
 */
export function dateInputType(
  value: string,
  type: 'date' | 'datetime-local',
): 'date' | 'datetime-local' | 'text' {
  if (value === '') return type;
  const isShaped = type === 'date' ? DAY.test(value) : LOCAL_TIME.test(value);
  return isShaped && parseStrictDate(value) !== null ? type : 'text';
}

/** The `type` attribute (and, for a text box, the shape to type) of a date field showing `value`. */
export function dateInputAttributes(value: string, type: 'date' | 'datetime-local'): SafeHtml {
  if (dateInputType(value, type) !== 'text') return html` type="${type}"`;
  return html` type="text" placeholder="${type === 'date' ? 'YYYY-MM-DD' : 'YYYY-MM-DDTHH:MM'}"`;
}
