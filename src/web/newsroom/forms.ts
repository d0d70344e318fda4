/**
 * Form helpers for admin pages. Every form in the admin follows the same pattern:
 *
 *   - render fields with `formField({ name, label, value, error })`: the label is tied to the
 *     input, and an error is shown next to the field and linked with aria-describedby;
 *   - put `csrfField(token)` in every POST form (the token comes from `page.csrfToken`, see
 *     render.ts; POSTs without it are refused with 403);
 *   - register a form POST with `formRoute(app, url, options, submit, rerender)`: `submit` calls the service; if
 *     that throws an invalid/conflict AppError, `rerender` shows the same form again with the
 *     field errors and the submitted values (`stringValues(request.body)`), so nothing typed is
 *     lost, and `errorSummary(errors, labels)` above the form. The service has stored nothing
 *     (it validates before its transaction).
 */
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type {
  FastifyContextConfig,
  FastifySchema,
  RawReplyDefaultExpression,
  RawRequestDefaultExpression,
  RawServerDefault,
  RouteGenericInterface,
  RouteHandlerMethod,
} from 'fastify';
import { isRecordId, parseWholeNumber } from '../../domain/limits.ts';
import { type AppError, Errors, type FieldError, isAppError } from '../../errors.ts';
import { formInputProblems, listQueryProblems } from '../input-guard.ts';
import type { TypedApp, TypedReply, TypedRequest } from '../schemas.ts';
import { html, type SafeHtml } from '../views/html.ts';
import type { ListFilterProblems } from '../views/newsroom/list-filters.ts';

/** Messages by field name. */
export type FieldErrors = Record<string, string>;

/** Field errors from a validation or conflict error, or undefined for any other error (rethrow it). */
export function fieldErrorsOf(error: unknown): { errors: FieldErrors; message: string } | undefined {
  if (!isAppError(error) || (error.kind !== 'invalid' && error.kind !== 'conflict')) return undefined;
  return { errors: toFieldErrors(error.details ?? []), message: error.message };
}

/** Why a submitted form is shown again: the field errors, the error itself, and the status to answer. */
export interface FormProblem {
  errors: FieldErrors;
  message: string;
  error: AppError;
  /** 409 when the submission raced another change, 400 when it is wrong. */
  status: number;
}

/**
 * The body limit of a route that takes only a few short fields (sign-in, password, a role): a
 * larger body is refused from its Content-Length, before it is read, instead of after reading up
 * to the server's 1 MB.
 */
export const SMALL_FORM_BODY_LIMIT = 64 * 1024;

export interface FormRouteOptions<S extends FastifySchema> {
  config: FastifyContextConfig;
  schema: S;
  bodyLimit?: number;
}

/**
 * Registers a form POST route: `submit` calls the service; when the service refuses the
 * submission with field errors (an invalid or conflict AppError), `rerender` answers with the
 * same form again instead. Any other error goes on to the error handler.
 *
 * @example formRoute(app, '/people', { config: { access: 'person.manage' }, schema: { body } },
 *   async (request, reply) => ..., async (request, reply, problem) => form(...))
 */
export function formRoute<S extends FastifySchema>(
  app: TypedApp,
  url: string,
  options: FormRouteOptions<S>,
  submit: (request: TypedRequest<S>, reply: TypedReply<S>) => Promise<unknown>,
  rerender: (request: TypedRequest<S>, reply: TypedReply<S>, problem: FormProblem) => Promise<unknown>,
): void {
  const handler = async (request: TypedRequest<S>, reply: TypedReply<S>): Promise<unknown> => {
    try {
      const nuls = formInputProblems(request.body);
      if (nuls.length > 0) throw Errors.VALIDATION_FAILED({ details: nuls });
      return await submit(request, reply);
    } catch (error) {
      const problem = fieldErrorsOf(error);
      if (!problem || !isAppError(error)) throw error;
      return rerender(request, reply, { ...problem, error, status: error.kind === 'conflict' ? 409 : 400 });
    }
  };
  // Generic over the schema, Fastify cannot work out the reply type a handler returns; a form
  // answers with a page or a redirect, never with a schema-typed body, so none is declared.
  app.route<RouteGenericInterface, FastifyContextConfig, S>({
    method: 'POST',
    url,
    ...options,
    config: { ...options.config, isForm: true },
    handler: handler as RouteHandlerMethod<
      RawServerDefault,
      RawRequestDefaultExpression,
      RawReplyDefaultExpression,
      RouteGenericInterface,
      FastifyContextConfig,
      S,
      TypeBoxTypeProvider
    >,
  });
}

export function toFieldErrors(details: FieldError[]): FieldErrors {
  const errors: FieldErrors = {};
  for (const detail of details) errors[detail.field] ??= capitalize(detail.message);
  return errors;
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** A form body as strings (forms give strings, or arrays for repeated names: the first wins). */
export function stringValues(body: unknown): Record<string, string> {
  const values: Record<string, string> = {};
  if (!body || typeof body !== 'object') return values;
  for (const [key, value] of Object.entries(body)) {
    if (key === '_csrf') continue;
    if (typeof value === 'string') values[key] = value;
    else if (Array.isArray(value) && typeof value[0] === 'string') values[key] = value[0];
  }
  return values;
}

export function fieldId(name: string): string {
  return `field-${name.replace(/[^a-zA-Z0-9_-]/g, '-')}`;
}

export interface FieldOptions {
  name: string;
  /** Put before the name in the field's id, for a page with two forms that share field names. */
  idPrefix?: string;
  label: string;
  value?: string | number | null | undefined;
  error?: string | undefined;
  hint?: string | SafeHtml | undefined;
  type?: 'text' | 'email' | 'password' | 'url' | 'number' | 'textarea' | 'select';
  options?: { value: string; label: string }[];
  isRequired?: boolean;
  autocomplete?: string;
  rows?: number;
  /** Extra attributes for number inputs. */
  min?: number;
  max?: number;
}

/** A labelled field with its hint and error, accessible: aria-invalid and aria-describedby. */
export function formField(field: FieldOptions): SafeHtml {
  const id = fieldId(`${field.idPrefix ?? ''}${field.name}`);
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  const describedBy = [field.error ? errorId : '', field.hint ? hintId : ''].filter(Boolean).join(' ');
  const value = field.value ?? '';
  const common = html`id="${id}" name="${field.name}"${field.isRequired ? html` required` : ''}${
    field.error ? html` aria-invalid="true"` : ''
  }${describedBy ? html` aria-describedby="${describedBy}"` : ''}${
    field.autocomplete ? html` autocomplete="${field.autocomplete}"` : ''
  }`;
  let control: SafeHtml;
  if (field.type === 'textarea') {
    control = html`<textarea ${common} rows="${field.rows ?? 4}">${String(value)}</textarea>`;
  } else if (field.type === 'select') {
    control = html`<select ${common}>${(field.options ?? []).map(
      (option) =>
        html`<option value="${option.value}"${String(value) === option.value ? html` selected` : ''}>${option.label}</option>`,
    )}</select>`;
  } else {
    const type = field.type ?? 'text';
    const range =
      type === 'number'
        ? html`${field.min !== undefined ? html` min="${field.min}"` : ''}${field.max !== undefined ? html` max="${field.max}"` : ''}`
        : '';
    // A password field never echoes what was typed back into the page.
    const shown = type === 'password' ? '' : String(value);
    control = html`<input type="${type}" ${common} value="${shown}"${range}>`;
  }
  return html`<div class="field${field.error ? ' field--invalid' : ''}">
  <label for="${id}">${field.label}</label>
  ${control}
  ${field.error ? html`<p class="field-error" id="${errorId}">${field.error}</p>` : ''}
  ${field.hint ? html`<p class="hint" id="${hintId}">${field.hint}</p>` : ''}
</div>`;
}

/** The hidden CSRF input every POST form carries. */
export function csrfField(token: string): SafeHtml {
  return html`<input type="hidden" name="_csrf" value="${token}">`;
}

/**
 * A summary of what is wrong above a form, linking to each field; announced to screen readers.
 * `labels` turns field names into the words on the page.
 */
export function errorSummary(
  problem: { errors: FieldErrors; message?: string } | undefined,
  labels: Record<string, string> = {},
  /** The fields' idPrefix (see FieldOptions), so the links reach them. */
  idPrefix = '',
): SafeHtml {
  if (!problem) return html``;
  const entries = Object.entries(problem.errors);
  if (entries.length === 0) {
    return html`<div class="alert" role="alert"><p>${problem.message ?? 'Something is wrong.'}</p></div>`;
  }
  return html`<div class="alert" role="alert">
  <p><strong>${entries.length === 1 ? 'One field needs' : `${entries.length} fields need`} your attention:</strong></p>
  <ul>${entries.map(([name, message]) => html`<li><a href="#${fieldId(`${idPrefix}${name}`)}">${labels[name] ?? name}</a>: ${message}</li>`)}</ul>
</div>`;
}

/** A form-level message (no particular field), e.g. a refused action. */
export function formAlert(error: AppError | string | undefined): SafeHtml {
  if (!error) return html``;
  return html`<div class="alert" role="alert"><p>${typeof error === 'string' ? error : error.message}</p></div>`;
}

/**
 * A list's wrong filters as its page shows them, with the values as typed; undefined when every
 * filter is right. The list is answered with a 400 and these messages by their fields.
 */
export function listFilterProblems(
  errors: FieldError[],
  query: Record<string, string | undefined>,
): ListFilterProblems | undefined {
  const dropped = listQueryProblems(query);
  const all = [...dropped.errors, ...errors];
  if (all.length === 0) return undefined;
  return { errors: toFieldErrors(all), typed: { ...query, ...dropped.typed } };
}

/**
 * A list's "older than" page token (a row id) read from its address, or the field error that
 * says it is not one: the list then starts from its first page.
 */
export function pageTokenOf(value: string | undefined, field: string): { id?: number; errors: FieldError[] } {
  const text = value?.trim() ?? '';
  if (text === '') return { errors: [] };
  const id = parseWholeNumber(text);
  if (isRecordId(id)) return { id, errors: [] };
  return { errors: [{ field, message: 'is not a page of this list: start again from the first page' }] };
}

/**
 * Only the list's own filters (`keys`) of `given` as a query string (no "?"), for a bulk form to
 * carry and its results to lead back to; anything else in it is left out.
 */
export function keptListQuery(
  given: string | Record<string, string | undefined> | undefined,
  keys: readonly string[],
): string {
  const source =
    typeof given === 'string' || given === undefined
      ? new URLSearchParams(given ?? '')
      : { get: (key: string) => given[key] ?? null };
  const params = new URLSearchParams();
  for (const key of keys) {
    const value = source.get(key);
    if (value) params.set(key, value);
  }
  return params.toString();
}

/** The ids a bulk form ticked (one "id" field or several), or VALIDATION_FAILED naming one that is not an id. */
export function tickedIds(id: string | string[] | undefined, noun: string): number[] {
  const ids: number[] = [];
  for (const value of typeof id === 'string' ? [id] : (id ?? [])) {
    const number = parseWholeNumber(value.trim());
    if (!isRecordId(number)) {
      throw Errors.VALIDATION_FAILED({ details: [{ field: 'id', message: `“${value}” is not ${noun} id` }] });
    }
    ids.push(number);
  }
  return ids;
}
