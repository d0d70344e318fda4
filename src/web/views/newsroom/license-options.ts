import { isLicenseCode, LICENSE_CODES, LICENSES, licenseOf } from '../../../domain/license.ts';

/**
 * The choices of a license select: the set's licenses, led by "Site default (…)" when
 * `defaultLabel` is given (an article's choice), and the current value when it is not one of
 * them (a license kept from before as words, or a value being refused), so that saving the form
 * unchanged keeps what is there and a refused value is shown as sent.
 */
export function licenseOptions(
  current: string,
  defaultCode: string,
  defaultLabel?: string,
): { value: string; label: string }[] {
  const options: { value: string; label: string }[] = LICENSE_CODES.map((code) => ({
    value: code,
    label: licenseLabel(code),
  }));
  const value = current.trim();
  if (value && !isLicenseCode(value)) {
    options.push({ value, label: `As kept from before: ${licenseOf(value).name}` });
  }
  return defaultLabel === undefined
    ? options
    : [{ value: '', label: `${defaultLabel} (${licenseOf(defaultCode).name})` }, ...options];
}

function licenseLabel(code: (typeof LICENSE_CODES)[number]): string {
  const license = LICENSES[code];
  if (code === 'site-terms') return `${license.name}: non-commercial, with source and link`;
  return license.name;
}
