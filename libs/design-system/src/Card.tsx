import type { ReactNode } from 'react';
import { cx } from './classNames';
import './design-system.css';

export interface CardProps {
  title?: ReactNode;
  footer?: ReactNode;
  className?: string;
  as?: 'div' | 'article' | 'section';
  children: ReactNode;
}

export function Card({ title, footer, className, as: Tag = 'div', children }: CardProps) {
  return (
    <Tag className={cx('ds-card', className)}>
      {title ? <h3 className="ds-card__title">{title}</h3> : null}
      <div className="ds-card__body">{children}</div>
      {footer ? <div className="ds-card__footer">{footer}</div> : null}
    </Tag>
  );
}
