import { createContext, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { createTranslator, defaultMessages, loadMessages, type Locale, type Translate } from './translate';

interface I18nContextValue {
  locale: Locale;
  t: Translate;
}

const I18nContext = createContext<I18nContextValue>({
  locale: 'en',
  t: createTranslator(defaultMessages),
});

export function I18nProvider({ locale, children }: { locale: Locale; children: ReactNode }) {
  const [catalog, setCatalog] = useState(defaultMessages);

  useEffect(() => {
    let cancelled = false;
    loadMessages(locale).then((next) => {
      if (!cancelled) setCatalog(next);
    });
    return () => {
      cancelled = true;
    };
  }, [locale]);

  const value = useMemo(() => ({ locale, t: createTranslator(catalog) }), [locale, catalog]);
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export function useTranslation(): I18nContextValue {
  return useContext(I18nContext);
}
