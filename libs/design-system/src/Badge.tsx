import type { ReactNode } from 'react';
import { cx } from './classNames';
import './design-system.css';

export type BadgeTone = 'neutral' | 'info' | 'success' | 'warning';

export function Badge({ tone = 'neutral', children }: { tone?: BadgeTone; children: ReactNode }) {
  return <span className={cx('ds-badge', `ds-badge--${tone}`)}>{children}</span>;
}
