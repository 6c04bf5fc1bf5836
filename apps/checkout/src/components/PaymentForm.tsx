import { useState, type FormEvent } from 'react';
import type { Order, PaymentMethod } from '@acme/models';
import { Button } from '@acme/design-system';
import { payOrder } from '@acme/api-client/orders';
import { formatMoney } from '@acme/formatting/currency';
import { useFeatureFlag } from '@acme/feature-flags';
import { useTranslation } from '@acme/i18n';
import { track } from '@acme/analytics';
import secureBadgeUrl from '../assets/secure-badge.svg';

export function PaymentForm({ order, onPaid }: { order: Order; onPaid: (order: Order) => void }) {
  const { t } = useTranslation();
  const applePay = useFeatureFlag('checkout.applePay');
  const [submitting, setSubmitting] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    const cardNumber = String(data.get('cardNumber') ?? '').replace(/\s+/g, '');
    const method: PaymentMethod = {
      kind: 'card',
      cardholder: String(data.get('cardholder') ?? ''),
      last4: cardNumber.slice(-4),
      expiry: String(data.get('expiry') ?? ''),
    };
    setSubmitting(true);
    setError(null);
    track({ name: 'checkout_step', step: 'payment', orderId: order.id });
    try {
      onPaid(await payOrder(order.id, method));
    } catch {
      setError('Your payment could not be processed. Please check your card details.');
    } finally {
      setSubmitting(false);
    }
  }

  return (
    <form className="payment-form" onSubmit={handleSubmit}>
      <h2>Payment</h2>
      {applePay ? (
        <Button variant="secondary" onClick={() => setError('Apple Pay is not available in this browser.')}>
          Pay with Apple Pay
        </Button>
      ) : null}
      <label>
        Name on card
        <input name="cardholder" autoComplete="cc-name" required />
      </label>
      <label>
        Card number
        <input name="cardNumber" inputMode="numeric" autoComplete="cc-number" required />
      </label>
      <label>
        Expiry (MM/YY)
        <input name="expiry" autoComplete="cc-exp" pattern="\d{2}/\d{2}" required />
      </label>
      {error ? <p role="alert">{error}</p> : null}
      <Button type="submit" size="lg" loading={submitting}>
        {t('checkout.pay', { amount: formatMoney(order.total) })}
      </Button>
      <p className="secure-note">
        <img src={secureBadgeUrl} alt="" width={20} height={20} />
        {t('checkout.secure')}
      </p>
    </form>
  );
}
