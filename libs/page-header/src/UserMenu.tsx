import { useState } from 'react';
import type { Learner } from '@acme/models';

function initials(name: string): string {
  return name
    .split(/\s+/)
    .filter(Boolean)
    .slice(0, 2)
    .map((part) => part[0]?.toUpperCase() ?? '')
    .join('');
}

export function UserMenu({ learner }: { learner?: Pick<Learner, 'displayName' | 'avatarUrl'> | null }) {
  const [open, setOpen] = useState(false);

  if (!learner) {
    return (
      <a className="acme-header__signin" href="/login">
        Sign in
      </a>
    );
  }

  return (
    <div className="acme-user-menu">
      <button
        type="button"
        className="acme-user-menu__trigger"
        aria-expanded={open}
        aria-label={`Account menu for ${learner.displayName}`}
        onClick={() => setOpen((value) => !value)}
      >
        {learner.avatarUrl ? (
          <img src={learner.avatarUrl} alt="" width={32} height={32} />
        ) : (
          <span className="acme-user-menu__initials">{initials(learner.displayName)}</span>
        )}
      </button>
      {open ? (
        <ul className="acme-user-menu__list">
          <li><a href="/home">My learning</a></li>
          <li><a href="/profile">Profile &amp; settings</a></li>
          <li><a href="/logout">Sign out</a></li>
        </ul>
      ) : null}
    </div>
  );
}
