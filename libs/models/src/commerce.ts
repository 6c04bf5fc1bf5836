export type CurrencyCode = 'USD' | 'EUR' | 'GBP';

/** Monetary amount in minor units (cents) to avoid floating point drift. */
export interface Money {
  amountMinor: number;
  currency: CurrencyCode;
}

export interface CartLine {
  courseId: string;
  title: string;
  price: Money;
  /** Price before a promotion was applied, if any. */
  listPrice?: Money;
}

export type OrderStatus = 'pending' | 'paid' | 'failed' | 'refunded';

export interface Order {
  id: string;
  lines: CartLine[];
  subtotal: Money;
  tax: Money;
  total: Money;
  status: OrderStatus;
  couponCode?: string;
  createdAt: string;
}

export type PaymentMethod =
  | { kind: 'card'; cardholder: string; last4: string; expiry: string }
  | { kind: 'paypal'; email: string };
