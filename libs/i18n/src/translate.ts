import messages from './messages/en.json';

export type Messages = typeof messages;
export type MessageKey = keyof Messages;
export type Locale = 'en' | 'de';
export type TranslateParams = Record<string, string | number>;
export type Translate = (key: MessageKey, params?: TranslateParams) => string;

export const defaultMessages: Messages = messages;

export function interpolate(template: string, params?: TranslateParams): string {
  return template.replace(/\{(\w+)\}/g, (match, name: string) =>
    params && name in params ? String(params[name]) : match,
  );
}

export function createTranslator(catalog: Messages): Translate {
  return (key, params) => interpolate(catalog[key] ?? messages[key], params);
}

/** English ships in the main bundle; other locales are split into their own chunk. */
export async function loadMessages(locale: Locale): Promise<Messages> {
  if (locale === 'de') {
    const german = await import('./messages/de.json');
    return german.default;
  }
  return messages;
}
