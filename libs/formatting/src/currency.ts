import type { CurrencyCode, Money } from '@acme/models';

const formatters = new Map<string, Intl.NumberFormat>();

function formatterFor(locale: string, currency: CurrencyCode): Intl.NumberFormat {
  const key = `${locale}:${currency}`;
  let formatter = formatters.get(key);
  if (!formatter) {
    formatter = new Intl.NumberFormat(locale, { style: 'currency', currency });
    formatters.set(key, formatter);
  }
  return formatter;
}

export function formatMoney(money: Money, locale = 'en-US'): string {
  return formatterFor(locale, money.currency).format(money.amountMinor / 100);
}

export function isFree(money: Money): boolean {
  return money.amountMinor === 0;
}

export function sumMoney(items: readonly Money[], currency: CurrencyCode): Money {
  let amountMinor = 0;
  for (const item of items) {
    if (item.currency !== currency) {
      throw new Error(`Cannot add ${item.currency} to a ${currency} total`);
    }
    amountMinor += item.amountMinor;
  }
  return { amountMinor, currency };
}

export function discountPercent(listPrice: Money, price: Money): number {
  if (listPrice.amountMinor <= 0 || price.amountMinor >= listPrice.amountMinor) return 0;
  return Math.round((1 - price.amountMinor / listPrice.amountMinor) * 100);
}
