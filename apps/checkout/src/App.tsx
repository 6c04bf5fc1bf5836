import { useEffect, useState } from 'react';
import type { Order } from '@acme/models';
import { PageHeader } from '@acme/page-header';
import { createOrder } from '@acme/api-client/orders';
import { CartIcon } from '@acme/icons';
import { I18nProvider } from '@acme/i18n';
import { initAnalytics, track, usePageView } from '@acme/analytics';
import { OrderSummary } from './components/OrderSummary';
import { PaymentForm } from './components/PaymentForm';

initAnalytics('checkout');

function courseIdsFromUrl(): string[] {
  return new URLSearchParams(window.location.search).getAll('course');
}

export function App() {
  const [order, setOrder] = useState<Order | null>(null);
  const [failed, setFailed] = useState(false);
  usePageView('/checkout');

  useEffect(() => {
    const courseIds = courseIdsFromUrl();
    if (courseIds.length === 0) {
      setFailed(true);
      return;
    }
    createOrder(courseIds)
      .then((created) => {
        setOrder(created);
        track({ name: 'checkout_step', step: 'cart', orderId: created.id });
      })
      .catch(() => setFailed(true));
  }, []);

  function handlePaid(paid: Order) {
    setOrder(paid);
    track({ name: 'checkout_step', step: 'confirmation', orderId: paid.id });
  }

  return (
    <I18nProvider locale="en">
      <PageHeader
        title="Checkout"
        links={[]}
        actions={<CartIcon title={`${order?.lines.length ?? 0} items in cart`} />}
      />
      {failed ? <p role="alert">Your cart is empty or the order could not be created.</p> : null}
      {order ? (
        <div className="checkout">
          {order.status === 'paid' ? (
            <section role="status">
              <h2>Thank you! Your courses are ready.</h2>
              <a href="/home">Start learning</a>
            </section>
          ) : (
            <PaymentForm order={order} onPaid={handlePaid} />
          )}
          <OrderSummary order={order} />
        </div>
      ) : null}
    </I18nProvider>
  );
}
