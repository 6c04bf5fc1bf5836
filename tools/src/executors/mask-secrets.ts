/**
 * Masking of known secret values in text that is stored or served (build logs, phase
 * messages, errors, delivery notes), as GitHub Actions masks its secrets: the value itself
 * and its base64 forms become `***`. A safety net for a value that reached a build anyway
 * (passed by name, read from a file), not a boundary: a build that wants to leak a secret can
 * encode it some other way or send it over the network.
 */

/** What a masked value is replaced with. */
export const MASK = '***';

/** Values shorter than this are not masked: masking `1` or `yes` would blank out every log. */
export const MIN_SECRET_LENGTH = 4;

/** Replaces every known secret value in `text` with {@link MASK}. */
export type Masker = (text: string) => string;

/**
 * The substrings that show a secret inside base64 output, whatever precedes it. Base64 turns
 * every 3 bytes into 4 characters, so the value's encoding depends on where it starts within
 * a 3-byte group (after 0, 1 or 2 bytes of whatever came before): for each of the three
 * alignments, the characters that encode the value's bits alone, without the first characters
 * (which mix in the bytes before) and the last (which mix in the bytes after, or padding).
 * That is what catches `env | base64 -w0`, where the value sits at any offset.
 */
export function computeBase64Forms(value: string): string[] {
  const bytes = Buffer.from(value, 'utf8');
  const forms: string[] = [];
  for (let before = 0; before < 3; before++) {
    const encoded = Buffer.concat([Buffer.alloc(before), bytes]).toString('base64');
    const start = Math.ceil((before * 8) / 6);
    const end = Math.floor(((before + bytes.length) * 8) / 6);
    const form = encoded.slice(start, end);
    if (form.length >= MIN_SECRET_LENGTH) forms.push(form);
    // base64url (JWTs, URLs) differs in two characters only.
    const url = form.replaceAll('+', '-').replaceAll('/', '_');
    if (url !== form && url.length >= MIN_SECRET_LENGTH) forms.push(url);
  }
  return forms;
}

/**
 * Everything to mask for one secret value: the value, each of its lines (a multi-line secret,
 * such as a private key, reaches a log line by line), and their base64 forms.
 */
export function computeSecretForms(value: string): string[] {
  const parts = new Set<string>();
  for (const part of [value, ...(value.includes('\n') ? value.split(/\r?\n/) : [])]) {
    if (part.trim().length < MIN_SECRET_LENGTH) continue;
    parts.add(part);
    for (const form of computeBase64Forms(part)) parts.add(form);
  }
  return [...parts];
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * A masker of `values` (empty and short ones are ignored). Longer forms are tried first, so
 * that a secret containing another is masked whole. Pure; with nothing to mask it returns the
 * text unchanged without scanning it.
 */
export function createSecretMasker(values: Iterable<string | undefined>): Masker {
  const forms = new Set<string>();
  for (const value of values) if (value !== undefined && value.length >= MIN_SECRET_LENGTH) for (const form of computeSecretForms(value)) forms.add(form);
  if (forms.size === 0) return (text) => text;
  const pattern = new RegExp([...forms].sort((a, b) => b.length - a.length).map(escapeRegExp).join('|'), 'g');
  return (text) => text.replace(pattern, MASK);
}
