export interface NavLink {
  href: string;
  label: string;
}

export interface NavLinksProps {
  links: readonly NavLink[];
  activeHref?: string;
}

export function NavLinks({ links, activeHref }: NavLinksProps) {
  return (
    <nav className="acme-header__nav" aria-label="Primary">
      <ul>
        {links.map((link) => (
          <li key={link.href}>
            <a href={link.href} aria-current={link.href === activeHref ? 'page' : undefined}>
              {link.label}
            </a>
          </li>
        ))}
      </ul>
    </nav>
  );
}
