import type { Order } from '@acme/models';
import { Card } from '@acme/design-system';
import { discountPercent, formatMoney } from '@acme/formatting/currency';
import { useTranslation } from '@acme/i18n';

export function OrderSummary({ order }: { order: Order }) {
  const { t } = useTranslation();
  return (
    <Card as="section" title="Order summary" className="order-summary">
      <table>
        <tbody>
          {order.lines.map((line) => (
            <tr key={line.courseId}>
              <td>{line.title}</td>
              <td>
                {line.listPrice && discountPercent(line.listPrice, line.price) > 0 ? (
                  <s>{formatMoney(line.listPrice)}</s>
                ) : null}
                {formatMoney(line.price)}
              </td>
            </tr>
          ))}
          <tr>
            <td>Tax</td>
            <td>{formatMoney(order.tax)}</td>
          </tr>
        </tbody>
        <tfoot>
          <tr>
            <td>{t('checkout.total')}</td>
            <td>{formatMoney(order.total)}</td>
          </tr>
        </tfoot>
      </table>
    </Card>
  );
}
