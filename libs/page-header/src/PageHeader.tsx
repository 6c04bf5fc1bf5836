import type { ReactNode } from 'react';
import type { Learner } from '@acme/models';
import { NavLinks, type NavLink } from './NavLinks';
import { UserMenu } from './UserMenu';
import './page-header.css';

/** Where the platform's apps live: the edge's routes (tessera.config.json `apps.<name>.route`, else `/<name>/`). */
export const DEFAULT_LINKS: readonly NavLink[] = [
  { href: '/catalog', label: 'Catalog' },
  { href: '/search', label: 'Search' },
  { href: '/home', label: 'My learning' },
];

export interface PageHeaderProps {
  title: string;
  subtitle?: string;
  learner?: Pick<Learner, 'displayName' | 'avatarUrl'> | null;
  links?: readonly NavLink[];
  activeHref?: string;
  /** Extra controls rendered before the user menu (e.g. a cart button). */
  actions?: ReactNode;
}

export function PageHeader({ title, subtitle, learner, links = DEFAULT_LINKS, activeHref, actions }: PageHeaderProps) {
  return (
    <header className="acme-header">
      <div className="acme-header__bar">
        <a className="acme-header__logo" href="/catalog" aria-label="Acme Learn home" />
        <NavLinks links={links} activeHref={activeHref} />
        <div className="acme-header__actions">
          {actions}
          <UserMenu learner={learner} />
        </div>
      </div>
      <div className="acme-header__titles">
        <h1>{title}</h1>
        {subtitle ? <p>{subtitle}</p> : null}
      </div>
    </header>
  );
}
