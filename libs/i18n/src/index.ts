export { I18nProvider, useTranslation } from './I18nProvider';
export { interpolate, createTranslator } from './translate';
export type { Locale, MessageKey, Translate } from './translate';
