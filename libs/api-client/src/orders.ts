import type { Order, PaymentMethod } from '@acme/models';
import { request } from './http';

/** The server prices the order; the client only sends what is in the cart. */
export function createOrder(courseIds: string[], couponCode?: string): Promise<Order> {
  return request('/orders', { method: 'POST', body: { courseIds, couponCode } });
}

export function fetchOrder(orderId: string, signal?: AbortSignal): Promise<Order> {
  return request(`/orders/${encodeURIComponent(orderId)}`, { signal });
}

export function payOrder(orderId: string, method: PaymentMethod): Promise<Order> {
  return request(`/orders/${encodeURIComponent(orderId)}/payment`, { method: 'POST', body: method });
}
